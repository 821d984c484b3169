from django import template

register = template.Library()

BUTTON_CLASSES = {"primary": "btn-primary", "danger": "btn-outline-danger", "warning": "btn-outline-warning",
                  "success": "btn-success", "secondary": "btn-outline-secondary"}


@register.filter
def button_class(transition):
    return BUTTON_CLASSES.get(transition.style, "btn-primary")


@register.inclusion_tag("workflow/_actions.html")
def workflow_actions(obj, action_forms, url_name):
    """The "next steps" card: a button per action the user may take now, each opening its form
    (`url_name` takes the record's pk and the action's slug)."""
    return {"obj": obj, "action_forms": action_forms, "url_name": url_name}
