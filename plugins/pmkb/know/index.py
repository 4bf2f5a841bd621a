"""Indexes over the published postmortems: by severity, service, factor, tag, year;
related incidents both ways; similar incidents. Computed once per build."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from pmkb.read.names import slugify

if TYPE_CHECKING:
    from collections.abc import Callable

    from pmkb.read.model import ContributingFactor
    from pmkb.read.postmortem import Postmortem
    from pmkb.read.services import ServiceCatalog
    from pmkb.settings import Settings

SIMILAR_COUNT = 3
SIMILAR_POOL = 200
"""Per service, category or tag, how many of its newest incidents are considered."""


@dataclass(frozen=True)
class Durations:
    """Times from the start of impact, from the front-matter timestamps."""

    to_detect: dt.timedelta | None
    to_mitigate: dt.timedelta | None
    to_resolve: dt.timedelta | None


def durations(postmortem: Postmortem) -> Durations:
    meta = postmortem.meta

    def since_start(moment: dt.datetime | None) -> dt.timedelta | None:
        if meta.started_at is None or moment is None:
            return None
        if (meta.started_at.tzinfo is None) != (moment.tzinfo is None):
            return None
        delta = moment - meta.started_at
        return delta if delta >= dt.timedelta(0) else None

    return Durations(
        since_start(meta.detected_at), since_start(meta.mitigated_at), since_start(meta.resolved_at)
    )


def format_duration(delta: dt.timedelta | None) -> str:
    """`1 h 25 min`, `3 d 4 h`, `12 min`; an em dash when unknown."""
    if delta is None:
        return "—"
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


@dataclass(frozen=True)
class FactorEntry:
    """A contributing factor with the incident it belongs to."""

    postmortem: Postmortem
    factor: ContributingFactor


@dataclass
class Group:
    """Postmortems sharing a value (a severity, a service, a tag, a year), newest first."""

    name: str
    slug: str
    postmortems: list[Postmortem] = field(default_factory=list)

    @cached_property
    def severity_counts(self) -> Counter[str | None]:
        """How many of its postmortems have each severity: every page of a paged group
        says it, and counting in the template took a tenth of a 5,000-postmortem build."""
        return Counter(postmortem.meta.severity for postmortem in self.postmortems)


@dataclass
class KnowledgeIndex:
    """Everything the generated pages need, computed once from the published postmortems."""

    postmortems: list[Postmortem]
    """Published postmortems, newest first."""
    by_severity: dict[str, Group]
    by_service: dict[str, Group]
    by_tag: dict[str, Group]
    by_year: dict[str, Group]
    by_category: dict[str, list[FactorEntry]]
    by_id: dict[str, Postmortem]
    catalog: ServiceCatalog | None = None
    _linked: dict[str, list[Postmortem]] = field(default_factory=dict)
    _ranked: list[Postmortem] = field(default_factory=list)
    """One postmortem per ID, newest first: what `similar` ranks."""
    _rank: dict[str, int] = field(default_factory=dict)
    _by_feature: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    """Per service, category or tag: the ranks of its newest `SIMILAR_POOL` incidents."""

    def related(self, postmortem: Postmortem) -> list[Postmortem]:
        """Incidents this one lists in `related`, and those that list it, newest first."""
        return self._linked.get(postmortem.meta.id or "", [])

    def similar(self, postmortem: Postmortem, count: int = SIMILAR_COUNT) -> list[Postmortem]:
        """Other incidents sharing services, factor categories and tags, not already related.

        Score: 3 per shared service, 2 per shared factor category, 1 per shared tag;
        ties go to the newer incident. Only incidents sharing a feature are scored.
        """
        # Incidents are counted by their place in `_ranked` (0 is the newest), so that the
        # scoring runs in Counter's C loop: this is called for every postmortem page.
        scores: Counter[int] = Counter()
        for feature in _features(postmortem):
            # Candidates are the newest incidents of each feature: a popular service
            # would otherwise make every page score every incident (quadratic builds).
            candidates = self._by_feature.get(feature, [])
            for _ in range(_WEIGHTS[feature[0]]):
                scores.update(candidates)
        for excluded in (postmortem, *self.related(postmortem)):
            scores.pop(self._rank.get(excluded.meta.id or "", -1), None)
        best = heapq.nlargest(count, [(score, -rank) for rank, score in scores.items()])
        return [self._ranked[-rank] for _, rank in best]

    def why_similar(self, postmortem: Postmortem, other: Postmortem) -> SharedFeatures:
        """What two incidents have in common, for the "similar because" line."""
        shared = _features(postmortem) & _features(other)

        def names(kind: str) -> list[str]:
            return sorted(name for feature_kind, name in shared if feature_kind == kind)

        return SharedFeatures(names("service"), names("category"), names("tag"))


@dataclass(frozen=True)
class SharedFeatures:
    """Services, contributing-factor categories and tags two incidents share."""

    services: list[str]
    categories: list[str]
    tags: list[str]


_WEIGHTS = {"service": 3, "category": 2, "tag": 1}


def _features(postmortem: Postmortem) -> set[tuple[str, str]]:
    meta = postmortem.meta
    return (
        {("service", s) for s in meta.services or []}
        | {("category", f.category) for f in meta.contributing_factors}
        | {("tag", t) for t in meta.tags}
    )


def is_publishable(postmortem: Postmortem, settings: Settings) -> bool:
    """Has what a page needs (id, title, date), and is not an unpublished draft."""
    meta = postmortem.meta
    if meta.id is None or meta.title is None or meta.date is None:
        return False
    return settings.drafts.publish or not postmortem.is_draft


def build_index(
    postmortems: list[Postmortem], settings: Settings, catalog: ServiceCatalog | None = None
) -> KnowledgeIndex:
    """Index the publishable postmortems."""
    published = sorted(
        (p for p in postmortems if is_publishable(p, settings)),
        key=lambda p: (p.meta.date, p.meta.id),
        reverse=True,
    )
    by_id: dict[str, Postmortem] = {}
    for postmortem in published:
        by_id.setdefault(postmortem.meta.id or "", postmortem)
    index = KnowledgeIndex(
        postmortems=published,
        by_severity=_groups(published, lambda p: [p.meta.severity or ""], order=settings.severities),
        by_service=_groups(published, lambda p: p.meta.services or []),
        by_tag=_groups(published, lambda p: p.meta.tags),
        by_year=_groups(published, lambda p: [str(p.meta.date.year)] if p.meta.date else []),
        by_category=_factors(published, settings),
        by_id=by_id,
        catalog=catalog,
    )
    index._linked = _links(published, by_id)
    index._ranked = list(by_id.values())
    index._rank = {identifier: rank for rank, identifier in enumerate(by_id)}
    by_feature: dict[tuple[str, str], list[int]] = defaultdict(list)
    for rank, postmortem in enumerate(index._ranked):
        for feature in _features(postmortem):
            if len(by_feature[feature]) < SIMILAR_POOL:
                by_feature[feature].append(rank)
    index._by_feature = dict(by_feature)
    return index


def _groups(
    postmortems: list[Postmortem],
    keys: Callable[[Postmortem], list[str]],
    order: list[str] | None = None,
) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    used_slugs: set[str] = set()
    for postmortem in postmortems:
        for name in dict.fromkeys(keys(postmortem)):
            if not name:
                continue
            if name not in groups:
                slug = slugify(name)
                while slug in used_slugs:
                    slug += "-x"
                used_slugs.add(slug)
                groups[name] = Group(name, slug)
            groups[name].postmortems.append(postmortem)
    if order is not None:
        rank = {name: position for position, name in enumerate(order)}
        return dict(sorted(groups.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))
    return dict(sorted(groups.items(), key=lambda item: item[0].casefold()))


def _factors(postmortems: list[Postmortem], settings: Settings) -> dict[str, list[FactorEntry]]:
    entries: dict[str, list[FactorEntry]] = {name: [] for name in settings.factor_categories}
    for postmortem in postmortems:
        for factor in postmortem.meta.contributing_factors:
            entries.setdefault(factor.category, []).append(FactorEntry(postmortem, factor))
    return {name: found for name, found in entries.items() if found}


def _links(postmortems: list[Postmortem], by_id: dict[str, Postmortem]) -> dict[str, list[Postmortem]]:
    linked: dict[str, dict[str, Postmortem]] = defaultdict(dict)
    for postmortem in postmortems:
        own = postmortem.meta.id or ""
        for other_id in postmortem.meta.related:
            other = by_id.get(other_id)
            if other is None or other_id == own:
                continue
            linked[own][other_id] = other
            linked[other_id][own] = postmortem
    return {
        key: sorted(found.values(), key=lambda p: (p.meta.date, p.meta.id), reverse=True)
        for key, found in linked.items()
    }
