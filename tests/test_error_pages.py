def test_out_of_scope_record_is_a_friendly_404(client, admin_a, squad_b):
    client.force_login(admin_a)
    response = client.get(f"/org/units/{squad_b.pk}/")
    assert response.status_code == 404
    assert b"outside your unit" in response.content
    assert squad_b.name.encode() not in response.content


def test_unknown_page_uses_the_site_404(client, officer_a):
    client.force_login(officer_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"outside your unit" in response.content
    assert b"navbar" in response.content


def test_forbidden_page_explains(client, officer_a):
    client.force_login(officer_a)
    response = client.get("/org/users/")
    assert response.status_code == 403
    assert b"Back to the work queue" in response.content
