def test_every_page_answers_for_a_coordinator(as_user, operation, make_target):
    target = make_target()
    client = as_user("coordinator")
    for url in [
        "/", f"/ops/{operation.slug}/", f"/ops/{operation.slug}/children/",
        f"/ops/{operation.slug}/children/?q=lupita", f"/children/{target.pk}/",
        f"/children/{target.pk}/outcome/", f"/ops/{operation.slug}/intake/",
        f"/ops/{operation.slug}/review/", f"/ops/{operation.slug}/report/",
    ]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
