"""Open Badges 0.5 to 3.0: bake, unbake, sign and verify badges.

Plain Python with no Django imports, so the award code, the verification
views and the tests all use the same functions:

- ``baking``: put badge data into PNG and SVG images and read it back out.
- ``jose``: our own RS256 keys, JWTs and JWS checks.
- ``fetch``: an HTTP client that cannot be steered at internal addresses.
- ``verify``: decide whether a presented badge is genuine, current and the
  applicant's.
"""
