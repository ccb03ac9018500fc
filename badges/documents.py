"""The Open Badges documents an employer publishes, built from its records.

Open Badges 2.0: the Issuer profile, each BadgeClass, each Assertion (hosted
verification) and the issuer's RevocationList. Open Badges 3.0: each award as
an OpenBadgeCredential, signed as a VC-JWT by ``badges.keys``.
"""

from employers.models import current_employer

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def issuer_id():
    return current_employer().url_for("badges:issuer")


def badge_class_id(badge):
    return current_employer().url_for("badges:badge_class", entity_id=badge.entity_id)


def badge_image_url(badge):
    return current_employer().url_for("badges:badge_image", entity_id=badge.entity_id)


def assertion_id(award):
    return current_employer().url_for("badges:award", entity_id=award.entity_id)


def issuer_profile(keys=()):
    """Return the employer's Issuer profile, with its public signing keys."""
    current = current_employer()
    profile = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer_id(),
        "name": current.name,
        "url": current.site_url + "/",
        "revocationList": current.url_for("badges:revocation_list"),
    }
    if current.contact_email:
        profile["email"] = current.contact_email
    if keys:
        profile["publicKey"] = [
            current.url_for("badges:issuer_key", kid=key.kid) for key in keys
        ]
    return profile


def badge_class(badge):
    document = {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_id(badge),
        "name": badge.name,
        "description": badge.description,
        "image": badge_image_url(badge),
        "criteria": {"narrative": badge.criteria},
        "issuer": issuer_id(),
    }
    if badge.tags:
        document["tags"] = badge.tags
    return document


def evidence(award):
    if not (award.evidence_narrative or award.evidence_url):
        return []
    item = {"type": "Evidence"}
    if award.evidence_url:
        item["id"] = award.evidence_url
    if award.evidence_narrative:
        item["narrative"] = award.evidence_narrative
    return [item]


def assertion(award):
    """Return the award as a hosted Open Badges 2.0 Assertion."""
    document = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_id(award),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.salt,
            "identity": award.identity_hash,
        },
        "badge": badge_class_id(award.badge),
        "issuedOn": iso(award.issued_at),
        "verification": {"type": "HostedBadge"},
    }
    if award.expires_at:
        document["expires"] = iso(award.expires_at)
    if items := evidence(award):
        document["evidence"] = items
    return document


def revoked_assertion(award):
    """Return what a revoked award's id answers (with HTTP 410)."""
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_id(award),
        "revoked": True,
        "revocationReason": award.revocation_reason,
    }


def revocation_list(revoked_awards):
    return {
        "@context": OB2_CONTEXT,
        "type": "RevocationList",
        "id": current_employer().url_for("badges:revocation_list"),
        "issuer": issuer_id(),
        "revokedAssertions": [
            {"id": assertion_id(award), "revocationReason": award.revocation_reason}
            for award in revoked_awards
        ],
    }


def credential_revocation_list(revoked_awards):
    """Return the 1EdTech revocation list that 3.0 credentials point to."""
    return {
        "id": current_employer().url_for("badges:credential_revocation_list"),
        "issuer": issuer_id(),
        "revokedCredentials": [
            {
                "id": assertion_id(award),
                "revoked": True,
                "revocationReason": award.revocation_reason,
            }
            for award in revoked_awards
        ],
    }


def credential(award):
    """Return the award as an Open Badges 3.0 OpenBadgeCredential."""
    badge = award.badge
    achievement = {
        "id": badge_class_id(badge),
        "type": ["Achievement"],
        "name": badge.name,
        "description": badge.description,
        "criteria": {"narrative": badge.criteria},
        "image": {"id": badge_image_url(badge), "type": "Image"},
    }
    document = {
        "@context": OB3_CONTEXT,
        "id": assertion_id(award),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer_id(),
            "type": ["Profile"],
            "name": current_employer().name,
        },
        "validFrom": iso(award.issued_at),
        "name": badge.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": award.identity_hash,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": award.salt,
                }
            ],
            "achievement": achievement,
        },
    }
    if award.expires_at:
        document["validUntil"] = iso(award.expires_at)
    if items := evidence(award):
        document["evidence"] = items
    document["credentialStatus"] = {
        "id": current_employer().url_for("badges:credential_revocation_list"),
        "type": "1EdTechRevocationList",
    }
    return document


def credential_claims(award):
    """Return the JWT claims of an award's credential: the credential itself
    plus the registered claims a VC-JWT carries."""
    document = credential(award)
    claims = {
        **document,
        "iss": document["issuer"]["id"],
        "jti": document["id"],
        "nbf": int(award.issued_at.timestamp()),
    }
    if award.expires_at:
        claims["exp"] = int(award.expires_at.timestamp())
    return claims
