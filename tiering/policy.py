"""The ideal-customer policy: one YAML file, validated with errors that name the field."""

from collections.abc import Hashable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tiering.traits import CUSTOMER_TRAITS

TIERS = ("Ideal", "Acceptable", "Poor")  # best first: the one definition of the tier names

# Traits the policy may score or use in knock-outs: those with words for the reasons (tiering/traits), and those
# its signals: section declares (their names checked: they become columns).
SCORABLE_TRAITS = tuple(trait.name for trait in CUSTOMER_TRAITS if trait.words is not None)
SIGNAL_AGGREGATES = ("latest", "sum", "mean", "count", "min", "max")


class PolicyError(ValueError):
    """The policy file is unusable; the message names the file and each bad field."""


class Direction(StrEnum):
    higher_is_better = "higher_is_better"
    lower_is_better = "lower_is_better"


class _Strict(BaseModel):
    # NaN and infinity are no numbers for a policy: a NaN knock-out never fires, an infinite weight scores nothing
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Weight = Annotated[float, Field(gt=0)]


class TraitRule(_Strict):
    direction: Direction
    poor: float
    ideal: float
    weight: Weight
    good: str = Field(min_length=1, description="phrase for a customer this trait lifts")
    bad: str = Field(min_length=1, description="phrase for a customer this trait pulls down")

    @model_validator(mode="after")
    def _direction_matches_values(self) -> "TraitRule":
        if self.ideal == self.poor:
            raise ValueError("'ideal' and 'poor' must differ")
        if (self.ideal > self.poor) != (self.direction is Direction.higher_is_better):
            raise ValueError(
                f"direction is {self.direction.value} but ideal={self.ideal} and poor={self.poor} say otherwise"
            )
        return self


class CategoryCriterion(_Strict):
    weight: Weight
    in_: list[str] = Field(alias="in", min_length=1)


class RangeCriterion(_Strict):
    weight: Weight
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> "RangeCriterion":
        if self.min is None and self.max is None:
            raise ValueError("give 'min', 'max' or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


class Profile(_Strict):
    industry: CategoryCriterion | None = None
    employees: RangeCriterion | None = None
    region: CategoryCriterion | None = None


class SignalTrait(_Strict):
    """A trait from the signals feed: the `aggregate` of the values of `signal` dated in the `window_days`
    ending on the as-of date; null without one."""

    signal: str = Field(min_length=1)
    aggregate: Literal[SIGNAL_AGGREGATES]  # type: ignore[valid-type]
    window_days: int = Field(gt=0, le=3650)


SignalName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")]


class Knockout(_Strict):
    name: str = Field(min_length=1)
    trait: str = Field(min_length=1)
    above: float | None = None
    below: float | None = None
    max_tier: Literal[TIERS[1:]]  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _one_bound(self) -> "Knockout":
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of 'above' or 'below'")
        return self


class Cutoffs(_Strict):
    ideal: float = Field(70, ge=0, le=100)
    acceptable: float = Field(40, ge=0, le=100)
    hysteresis: float = Field(
        0, ge=0, le=20, description="points a score must cross a cut-off by to change tier"
    )

    @model_validator(mode="after")
    def _ordered(self) -> "Cutoffs":
        if self.acceptable >= self.ideal:
            raise ValueError(f"acceptable ({self.acceptable}) must be below ideal ({self.ideal})")
        return self


class Actions(_Strict):
    Ideal: str = "Proactive"
    Acceptable: str = "Reactive"
    Poor: str = "No-fly zone"


class RisingRule(_Strict):
    """Rising: expected_value_12m >= expected_value_ratio x revenue_12m and >= min_expected_value."""

    expected_value_ratio: float = Field(gt=1)
    min_expected_value: float = Field(0, ge=0)
    reason: str = Field("rising", min_length=1, description="phrase in the reasons of a rising customer")


class Goals(_Strict):
    """A goal for the best customers: how many Ideal customers by when (the dashboard draws it as a target)."""

    ideal_customers: int = Field(gt=0, strict=True, description="Ideal customers to have by the date")
    by: date


class AlertRules(_Strict):
    """Which tier moves alert each night (the digest of TIERS_ALERT_URLS, the owners' e-mails)."""

    down_from: list[Literal[TIERS]] = ["Ideal"]  # type: ignore[valid-type]
    into: list[Literal[TIERS]] = ["Ideal"]  # type: ignore[valid-type]
    newly_rising: bool = Field(True, strict=True)

    @model_validator(mode="after")
    def _can_move_down(self) -> "AlertRules":
        if TIERS[-1] in self.down_from:
            raise ValueError(f"down_from: nothing moves down from {TIERS[-1]}, the lowest tier")
        return self


class Policy(_Strict):
    version: str = Field(min_length=1)
    base_currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    tiers: Cutoffs = Cutoffs()
    actions: Actions = Actions()
    signals: dict[SignalName, SignalTrait] = {}
    traits: dict[str, TraitRule] = Field(min_length=1)
    profile: Profile = Profile()
    knockouts: list[Knockout] = []
    rising: RisingRule | None = None
    goals: Goals | None = None
    alerts: AlertRules = AlertRules()

    @model_validator(mode="after")
    def _known_traits(self) -> "Policy":
        """Every trait scored or knocked out on is built in or declared under signals:, which names no column
        of the tiers."""
        from tiering.outputs import OUTPUT_TABLES  # which imports this module

        [tiers] = [table for table in OUTPUT_TABLES if table.name == "marts.customer_tiers"]
        taken = set(tiers.columns)  # the traits and every other column
        problems = [
            f"signals.{name}: a column of the tiers already; choose another name"
            for name in self.signals
            if name in taken
        ]
        known = set(SCORABLE_TRAITS) | set(self.signals)
        hint = "neither a built-in trait (see docs/outputs.md) nor declared under signals:"
        problems += [f"traits.{name}: {hint}" for name in self.traits if name not in known]
        problems += [
            f"knockouts.{n}.trait: '{k.trait}' is {hint}"
            for n, k in enumerate(self.knockouts)
            if k.trait not in known
        ]
        if problems:
            raise ValueError("\n  - ".join(problems))
        return self

    def action(self, tier: str) -> str:
        return getattr(self.actions, tier)


class _DuplicateKey(yaml.YAMLError):
    pass


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping (YAML itself keeps the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        lines: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key, Hashable):
                continue  # a merge (<<) may override keys; an unhashable key is refused by the loader itself
            line = key_node.start_mark.line + 1
            if key in lines:
                raise _DuplicateKey(f"key '{key}' is given twice, on lines {lines[key]} and {line}: keep one")
            lines[key] = line
        return super().construct_mapping(node, deep)


def load_policy(path: Path) -> Policy:
    """Read and validate the policy file, or raise PolicyError listing every bad field."""
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        raise PolicyError(f"policy file {path} does not exist") from None
    except IsADirectoryError:
        raise PolicyError(f"policy file {path} is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise PolicyError(f"policy file {path} is not UTF-8 text (byte {exc.start} cannot be read)") from None
    except OSError as exc:
        raise PolicyError(f"policy file {path} cannot be read: {exc.strerror}") from None
    except _DuplicateKey as exc:
        raise PolicyError(f"policy file {path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"policy file {path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"policy file {path} must hold a mapping of settings, not {type(data).__name__}")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        problems = "\n".join(_problem(e) for e in exc.errors())
        raise PolicyError(f"policy file {path} is invalid:\n{problems}") from None


def _problem(error: dict) -> str:
    """'  - field.path: message'; a check across fields names its fields in its message."""
    path = _field_path(error["loc"])
    message = error["msg"].removeprefix("Value error, ") if not path else error["msg"]
    return f"  - {path}: {message}" if path else f"  - {message}"


def _field_path(loc: tuple) -> str:
    # pydantic adds the branch type to a location (e.g. 'literal[...]'); the user only needs the field names.
    return ".".join(str(part) for part in loc if not str(part).startswith(("literal[", "function-")))
