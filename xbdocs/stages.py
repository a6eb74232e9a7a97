"""What a build makes, by stage: the agreement alone, or with the paperwork of a filing
stage of the procedure (a profile's steps name their stage), or everything. Defined once:
the CLI's choices, the interview, the build and the profiles all read it from here."""

from __future__ import annotations

from xbdocs.i18n import N_

#: The stages of the procedure a profile's steps belong to.
FILING_STAGES = ("approval", "registration")
#: What can be built.
STAGES = ("agreement", *FILING_STAGES, "all")
DEFAULT_STAGE = "agreement"
#: Each stage as a person types and reads it (ru «согласование», kk «келісу»); the ids
#: are accepted too.
STAGE_NAMES = {"agreement": N_("agreement"), "approval": N_("approval"),
               "registration": N_("registration"), "all": N_("all")}
