from django import template

register = template.Library()

BUTTON_CLASSES = {
    "primary": "btn-primary",
    "danger": "btn-outline-danger",
    "warning": "btn-outline-warning",
    "success": "btn-success",
    "secondary": "btn-outline-secondary",
}


@register.filter
def button_class(item):
    """A transition's button class, or an action form's (whose style depends on the record)."""
    style = getattr(item, "button_style", None) or getattr(item, "style", "primary")
    return BUTTON_CLASSES.get(style, "btn-primary")


@register.inclusion_tag("workflow/_actions.html")
def workflow_actions(obj, action_forms, url_name):
    """The "next steps" card: a button per action the user may take now, each opening its form
    (`url_name` takes the record's pk and the action's slug)."""
    return {"obj": obj, "action_forms": action_forms, "url_name": url_name}
