"""Forms say what is wrong next to the field it is about, keep what was typed, and change nothing."""
from __future__ import annotations

import re

from tests.portal.conftest import post_form


def error_next_to(page: str, field: str) -> str:
    """The error shown right after the field's input, which points to it (aria-describedby)."""
    found = re.search(rf'name="{field}"[^>]*aria-invalid="true" aria-describedby="{field}-error"[^>]*>(?:</textarea>)?'
                      rf'\s*(?:</label>)?\s*<span class="error" id="{field}-error" role="alert">([^<]+)</span>', page)
    assert found, f"no error next to {field}"
    return found.group(1)


def test_a_new_password_typed_differently_twice_is_named_next_to_the_repeat(people):
    client = people.client("clerk@a.example.com")
    response = post_form(client, "/account?lang=en", {
        "current_password": people.PASSWORD, "new_password": "a-long-new-password",
        "new_password_confirm": "another-long-password"})
    assert response.status_code == 422
    assert error_next_to(response.text, "new_password_confirm") == "The new passwords differ."
    short = post_form(client, "/account?lang=pl", {
        "current_password": people.PASSWORD, "new_password": "short", "new_password_confirm": "short"})
    assert error_next_to(short.text, "new_password") == "Hasło musi mieć co najmniej 10 znaków."
    wrong = post_form(client, "/account?lang=en", {
        "current_password": "not-my-password", "new_password": "a-long-new-password",
        "new_password_confirm": "a-long-new-password"})
    assert error_next_to(wrong.text, "current_password") == "is not your current password"
    assert people.client("clerk@a.example.com").get("/portal/").status_code == 200  # the password still works


def test_an_api_key_name_too_long_is_named_and_no_key_is_made(people):
    client = people.client("admin@a.example.com")
    response = post_form(client, "/portal/api-keys?lang=en", {"name": "k" * 101}, page_url="/portal/api-keys")
    assert response.status_code == 422
    assert error_next_to(response.text, "name") == "The name may have at most 100 characters."
    assert 'id="new-key"' not in response.text
    assert "k" * 101 not in client.get("/portal/api-keys").text


def test_a_webhook_without_a_url_is_named_and_the_description_kept_in_bounds(people):
    client = people.client("admin@a.example.com")
    response = post_form(client, "/portal/webhooks?lang=en", {"url": "", "description": "d" * 201},
                         page_url="/portal/webhooks")
    assert response.status_code == 422
    assert error_next_to(response.text, "url") == "This field is required."
    assert error_next_to(response.text, "description") == "The description may have at most 200 characters."
    refused = post_form(client, "/portal/webhooks?lang=en", {"url": "ftp://hooks.example.com/in"}, page_url="/portal/webhooks")
    assert refused.status_code == 422 and error_next_to(refused.text, "url")
    assert 'value="ftp://hooks.example.com/in"' in refused.text  # what was typed stays in the field


def test_an_invitation_to_a_taken_address_is_named_next_to_the_email(people):
    client = people.client("admin@a.example.com")
    response = post_form(client, "/portal/people/invite?lang=en", {"email": "clerk@b.example.com",
                                                                   "role": "sender_clerk"}, page_url="/portal/people")
    assert response.status_code == 422
    assert error_next_to(response.text, "email") == "is already registered"
    bad_role = post_form(client, "/portal/people/invite?lang=en", {"email": "new@a.example.com", "role": "staff"},
                         page_url="/portal/people")
    assert bad_role.status_code == 422 and 'id="role-error"' in bad_role.text


def test_staff_enrolling_a_device_without_a_name_sees_it_next_to_the_field(people, api):
    client = people.client("staff@operator.example.com")
    page = client.get("/staff/devices").text
    carrier_id = re.search(r'<option value="(\d+)"', page).group(1)
    response = post_form(client, "/staff/devices/enrol?lang=en", {"carrier_id": carrier_id, "label": "  "},
                         page_url="/staff/devices")
    assert response.status_code == 422
    assert error_next_to(response.text, "label") == "Give the device a name."
    assert "#code=" not in response.text
