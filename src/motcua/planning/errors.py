"""Typed errors of the planning core: one line naming the field and the problem, in both languages.

``PlanningInputError`` subclasses ``ValueError`` so that callers catching ``ValueError`` keep working;
the command line prints ``str(error)`` (one line) and exits with status 2.
"""

from __future__ import annotations

import math

import numpy as np


class PlanningInputError(ValueError):
    """Input the planning core cannot work with; nothing was solved."""

    def __init__(self, field: str, reason_vi: str, reason_en: str) -> None:
        self.field, self.reason_vi, self.reason_en = field, reason_vi, reason_en
        super().__init__(f"{field}: {reason_vi} / {reason_en}")


class PlanningTooLarge(PlanningInputError):
    """The instance would need more memory than allowed; raised before anything large is built."""


def check_finite_positive(field: str, value: float | None, *, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if value is None or not isinstance(value, (int, float, np.integer, np.floating)):
        raise PlanningInputError(field, "phải là một số", "must be a number")
    if not math.isfinite(float(value)) or float(value) <= 0:
        raise PlanningInputError(
            field,
            f"phải là số dương hữu hạn (nhận {value})",
            f"must be a finite positive number (got {value})",
        )


def check_coordinates(field: str, lat: np.ndarray, lon: np.ndarray, ids: np.ndarray) -> None:
    """Latitude within [-90, 90], longitude within [-180, 180], no NaN or infinity; names the first bad row."""
    if lat.shape != lon.shape:
        raise PlanningInputError(
            field,
            f"số vĩ độ ({lat.size}) khác số kinh độ ({lon.size})",
            f"{lat.size} latitudes but {lon.size} longitudes",
        )
    bad = ~np.isfinite(lat) | ~np.isfinite(lon) | (np.abs(lat) > 90) | (np.abs(lon) > 180)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        where = f"{ids[i]}" if ids is not None and i < len(ids) else f"#{i}"
        raise PlanningInputError(
            field,
            f"{int(bad.sum())} điểm có tọa độ không hợp lệ, đầu tiên {where} (vĩ độ {lat[i]}, kinh độ {lon[i]}); "
            "vĩ độ phải trong [-90, 90], kinh độ trong [-180, 180]",
            f"{int(bad.sum())} points with invalid coordinates, first {where} (lat {lat[i]}, lon {lon[i]}); "
            "latitude must lie in [-90, 90], longitude in [-180, 180]",
        )


def check_count(field: str, value: int | None, available: int, what_vi: str, what_en: str) -> None:
    """``value`` between 0 and ``available`` (the number of places it can apply to)."""
    if value is None:
        return
    if value < 0:
        raise PlanningInputError(field, f"phải ≥ 0 (nhận {value})", f"must be ≥ 0 (got {value})")
    if value > available:
        raise PlanningInputError(
            field,
            f"là {value} nhưng chỉ có {available} {what_vi}",
            f"is {value} but there are only {available} {what_en}",
        )
