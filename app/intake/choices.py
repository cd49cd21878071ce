"""How the codes of a form's choice fields read in the clerk's language.

Master data keeps choices as stable codes ("issue", "12"); the form shows them as words.
Numbers of months and working days read with their unit; an unknown code shows as it is.
"""

from __future__ import annotations

from app.i18n import N_, _, ngettext

_WORDS: dict[str, str] = {
    "issue": N_("first issue"),
    "extension": N_("extension"),
    "work": N_("work"),
    "family": N_("family reunion"),
    "study": N_("study"),
    "property": N_("property owner"),
    "investment": N_("investment"),
    "other": N_("other ground"),
    "establishment": N_("establishment of citizenship"),
    "admission": N_("admission to citizenship"),
    "restoration": N_("restoration of citizenship"),
    "renunciation": N_("renunciation of citizenship"),
}


def choice_label(field_key: str, code: str) -> str:
    if code.isdigit():
        count = int(code)
        if field_key == "duration_months":
            return ngettext("{count} month", "{count} months", count).format(count=count)
        if field_key == "working_days":
            return ngettext("{count} working day", "{count} working days", count).format(
                count=count
            )
    return _(_WORDS[code]) if code in _WORDS else code
