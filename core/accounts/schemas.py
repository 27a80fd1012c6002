"""Input and output schemas of the /api/auth/ services."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.accounts.passwords import MIN_LENGTH, RULES
from core.validation import BaseSchema, Password, TrimmedString


def NewPassword():
    """A password being set: documented with the password rules."""
    return Password(metadata={"minLength": MIN_LENGTH, "description": RULES})


class UserOut(Schema):
    id = fields.Integer()
    email = fields.Email()
    first_name = fields.String()
    last_name = fields.String()
    role = fields.String(validate=validate.OneOf(["customer", "vendor", "manager", "admin"]))
    is_active = fields.Boolean()
    email_verified = fields.Boolean()
    date_joined = fields.DateTime()


class RegisterIn(BaseSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = NewPassword()
    first_name = TrimmedString(load_default="", validate=validate.Length(max=150))
    last_name = TrimmedString(load_default="", validate=validate.Length(max=150))


class EmailIn(BaseSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))


class LoginIn(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256), load_only=True)


class RefreshIn(BaseSchema):
    refresh = fields.String(required=True, validate=validate.Length(min=1, max=4096))


class ProfileIn(BaseSchema):
    first_name = TrimmedString(validate=validate.Length(max=150))
    last_name = TrimmedString(validate=validate.Length(max=150))


class ResetConfirmIn(BaseSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    new_password = NewPassword()


class ChangePasswordIn(BaseSchema):
    old_password = fields.String(required=True, validate=validate.Length(min=1, max=256), load_only=True)
    new_password = NewPassword()


class VerifyEmailIn(BaseSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200),
                          metadata={"description": "The token of the verification mail's link"})


class TokenPathIn(BaseSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "The token from the verification mail"})


class TokensOut(Schema):
    access = fields.String()
    refresh = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    user = fields.Nested(UserOut)


class DetailUserOut(Schema):
    detail = fields.String()
    user = fields.Nested(UserOut)


class DetailOut(Schema):
    detail = fields.String()
