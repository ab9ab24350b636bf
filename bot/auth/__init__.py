"""Accounts, passwords, sessions, CSRF and login rate limiting for every web console.

Generic on purpose: the staff dashboard (``/staff``) uses it and the operator console
(``/console``) reuses it. How to use it in a new console:

1. Accounts are ``bot.store.models.User`` rows with a role (``admin``, ``staff``,
   ``operator``); create them with ``service.create_user`` (``hotline staff create-user``).
   A ``staff`` account is bound to one station; ``admin`` sees everything.
2. ``web.AuthConfig`` names the console's cookie, login page and allowed roles.
   ``web.current_user(request, config)`` returns the logged-in ``User`` or raises
   ``LoginRequired`` (redirect to the login page) / ``PermissionDenied`` (403).
3. The login handler calls ``web.login(...)``: it checks the rate limiter, verifies the
   argon2 hash, issues the signed session cookie and returns the user or an error text.
4. Every state-changing form or htmx request carries the session's CSRF token (hidden
   field ``csrf_token`` or header ``X-CSRF-Token``); ``web.check_csrf`` verifies it.

Sessions are signed cookies (itsdangerous) holding the user id, a fingerprint of the
password hash (changing the password ends every session) and the CSRF token; they are
HttpOnly, SameSite=Strict, and Secure in production. ``web.logout`` records the session as
ended in the audit log, so a copy of its cookie kept elsewhere stops working too.
"""
