"""Published notices compared with their entries in the record of decisions."""

from openics.core.chains import Finding, add_witness


def notices_against_the_record() -> list[Finding]:
    from openics.arranging.models import Notice
    from openics.arranging.services import notice_body
    from openics.governance.models import RecordEntry

    entries = {e.body.get("reference"): e for e in RecordEntry.objects.filter(kind="notice")}
    findings = []
    for notice in Notice.objects.select_related("decision").order_by("published_on", "reference"):
        entry = entries.pop(notice.reference, None)
        if entry is None:
            findings.append(
                Finding("record", None, f"notice {notice.reference} is not on the record")
            )
            continue
        now = {
            "notice": notice.kind,
            "published_on": notice.published_on.isoformat(),
            **notice_body(notice),
        }
        differs = [k for k, v in now.items() if entry.body.get(k) != v]
        if differs:
            findings.append(
                Finding(
                    "record",
                    entry.sequence,
                    f"notice {notice.reference} (entry {entry.sequence}): its "
                    f"{', '.join(differs)} as published differ from the record",
                )
            )
    for reference, entry in entries.items():
        findings.append(
            Finding(
                "record",
                entry.sequence,
                f"entry {entry.sequence} records notice {reference}, which is no longer published",
            )
        )
    return findings


add_witness("record", notices_against_the_record)
