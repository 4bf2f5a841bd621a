"""The optional service catalog (`services.yml`): the services postmortems may name."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from pmkb.read.document import decode_text
from pmkb.read.yaml_reader import ReadProblem, nearest_position, read_yaml


class Service(BaseModel):
    """One entry of the service catalog."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, description="The name postmortems use in `services`.")
    owner: str = Field("", description="The owning team.")
    tier: int | None = Field(None, ge=0, le=9, description="Criticality tier (1 = most critical).")
    description: str = Field("", description="What the service does, in a sentence.")


_CATALOG = TypeAdapter(list[Service])


@dataclass
class ServiceCatalog:
    """Services by name, and the problems found reading the file."""

    path: str
    services: dict[str, Service] = field(default_factory=dict)
    problems: list[ReadProblem] = field(default_factory=list)

    def suggest(self, name: str) -> str | None:
        """The closest known service name, for "did you mean"."""
        matches = difflib.get_close_matches(name, list(self.services), n=1, cutoff=0.6)
        return matches[0] if matches else None


def read_catalog(path: str, raw: bytes) -> ServiceCatalog:
    """Read `services.yml`: a list of services (name, owner, tier, description)."""
    catalog = ServiceCatalog(path=path)
    text, problem = decode_text(raw)
    if problem is not None:
        catalog.problems.append(problem)
        return catalog
    result = read_yaml(text)
    catalog.problems.extend(result.problems)
    if result.failed:
        return catalog
    value, positions = result.value or [], result.positions
    try:
        services = _CATALOG.validate_python(value)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            line, col = nearest_position(positions, loc, (1, 1))
            where = ".".join(str(part) for part in loc) or "the file"
            catalog.problems.append(
                ReadProblem("catalog", f"service catalog {where}: {error['msg']}", line, col)
            )
        return catalog
    for index, service in enumerate(services):
        if service.name in catalog.services:
            line, col = positions.get((index, "name"), (1, 1))
            catalog.problems.append(
                ReadProblem("catalog", f"service `{service.name}` is listed twice", line, col)
            )
        catalog.services[service.name] = service
    return catalog
