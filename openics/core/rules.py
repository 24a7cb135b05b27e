"""Permission predicates for the `rules` package, auto-discovered at start-up.

`user.has_perm("openics.post_ledger")` is true when one of the user's roles carries that
permission. With an organisation as the object, only roles for that organisation (or for
all organisations) count: a finance officer of one ICB cannot post in another's books.
"""

import rules

from openics.core.roles import Permission, Role, permissions_of


def roles_of(user, organisation_code: str | None = None) -> set[Role]:
    roles = {Role.PUBLIC}
    if user is None or not user.is_authenticated or not user.is_active:
        return roles
    cache_name = "_openics_role_assignments"
    assignments = getattr(user, cache_name, None)
    if assignments is None:
        assignments = list(user.role_assignments.values_list("role", "organisation_code"))
        setattr(user, cache_name, assignments)
    for role, scope in assignments:
        if organisation_code is None or scope in ("", organisation_code):
            roles.add(Role(role))
    return roles


def _organisation_code(obj) -> str | None:
    if obj is None:
        return None
    if isinstance(obj, str):
        return obj
    # An Organisation (its ODS code), or anything that names one.
    return getattr(obj, "organisation_code", None) or getattr(obj, "code", None)


def _granting(permission: Permission):
    @rules.predicate(name=f"grants_{permission.value}")
    def predicate(user, obj=None) -> bool:
        return permission in permissions_of(roles_of(user, _organisation_code(obj)))

    return predicate


for _permission in Permission:
    rules.add_perm(f"openics.{_permission.value}", _granting(_permission))
