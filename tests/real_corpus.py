"""The real postmortems of other organisations that `pmkb import` is tried on.

They live beside the repository (`../shared/corpus/real/`, see its SOURCES.tsv for the
licences) and are never copied into it. `EXPECTED_DATES` is the incident date each one
should get, by the importer's order of evidence: front-matter, title, file name,
timeline, then the prose (a `Date:` line first).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

REAL_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"

_DATES = {
    "CocoaPods__blog.cocoapods.org___posts__2016-05-04-Master-Spec-Repo-Rate-Limiting-Post-Mortem.md": "2016-05-04",  # the post's file name; the text gives no other day
    "Financial-Times__origami-image-service__incidents__2017-02-28_--_AWS_S3_US_offline.md": "2017-02-28",
    "berkeley-dsep-infra__datahub__docs__admins__incidents__2017-02-09-datahub-db-outage.md": "2017-02-09",
    "berkeley-dsep-infra__datahub__docs__admins__incidents__2022-01-20-package-dependency-upgrade-incident.md": "2022-01-20",
    "bitcoin-core__bitcoincore.org___posts__en__posts__2018-09-20-notice.md": "2018-09-20",  # the disclosure's day (file name); its timeline starts on the 17th
    "cheqd__product-docs__network__upgrades__rca__v4.x-upgrade-rca-testnet.md": "2025-05-28",  # "Date: May 28 2025, 11:30 AM UTC - ..."
    "comdex-official__incident-reports__comdex-1__incident_report_patch_fix_07_Feb.md": "2023-02-06",  # "## Date: February 06, 2023" (the file name says 07 Feb, no year)
    "eslint__eslint.org__src__content__blog__2018-07-12-postmortem-for-malicious-package-publishes.md": "2018-07-12",
    "etcd-io__etcd__Documentation__postmortems__v3.5-data-inconsistency.md": "2021-05-08",  # the timeline's first event; the header's Date is the postmortem's
    "ethereum__pm__Network-Upgrade-Archive__Pectra__holesky-postmortem.md": "2025-02-24",  # the timeline's first day; "Date: Mar 20, 2025" is the write-up's
    "ethereum__pm__Network-Upgrade-Archive__Pectra__sepolia-postmortem.md": "2025-03-05",  # the timeline; "Date: Mar 12, 2025" is the write-up's
    "govau__cloud.gov.au__www__ui__public__docs__support__incident_reports__2016-02-11.md": "2016-02-11",
    "iasql__iasql__postmortems__001_-_Postmortem_for_v0.0.19_Deployment_Failure.md": "2022-09-05",  # the timeline's first day (v0.0.19 is no date)
    "learningequality__postmortems__002-cloudflare-incomplete-migration.md": "2017-09-18",  # "In the morning of Sept. 18th, 2017"
    "learningequality__postmortems__004-sushibar-certificate-expired.md": "2018-08-22",
    "monero-project__monero-site___posts__2017-05-17-disclosure-of-a-major-bug-in-cryptonote-based-currencies.md": "2017-05-17",  # the disclosure's day (file name)
    "monero-project__monero-site___posts__2021-09-20-post-mortem-of-decoy-selection-bugs.md": "2021-09-20",
    "rubygems__rubygems.github.io___posts__2015-08-13-postmortem.md": "2015-08-10",  # the title's "August 10th", its year from the file name
    "wireapp__wire-docs__src__security-responses__2023-01-04_website_outage.md": "2023-01-04",
}
EXPECTED_DATES: dict[str, dt.date] = {name: dt.date.fromisoformat(day) for name, day in _DATES.items()}


def corpus_files() -> list[Path]:
    """The corpus's postmortems (empty when the folder is absent)."""
    if not REAL_CORPUS.is_dir():
        return []
    return sorted(path for path in REAL_CORPUS.glob("*.md") if path.name != "README.md")
