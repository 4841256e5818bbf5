from typing import Annotated, Any

from ninja import Router, Schema

from motcua.error_schemas import errors
from motcua.errors import NotFound
from motcua.inputs import Text

from . import selectors

router = Router(tags=["catalog"])


class ProcedureSummary(Schema):
    code: str
    name_vi: str
    name_en: str
    sector: str
    competent_level: str
    boundary_free: bool
    online_level: str


@router.get(
    "/procedures",
    response={200: list[ProcedureSummary], **errors(400, 413, 422)},
    summary="Procedure catalog (public)",
)
def list_procedures(
    request,
    q: Annotated[str, Text(200)] = "",
    sector: Annotated[str, Text(20)] = "",
    boundary_free: bool | None = None,
):
    queryset = selectors.procedures()
    if q:
        queryset = selectors.matching(queryset, q)
    if sector:
        queryset = queryset.filter(sector__code=sector)
    if boundary_free is not None:
        queryset = queryset.filter(boundary_free=boundary_free)
    return [
        ProcedureSummary(
            code=p.code,
            name_vi=p.name_vi,
            name_en=p.name_en,
            sector=p.sector.code,
            competent_level=p.competent_level,
            boundary_free=p.boundary_free,
            online_level=p.online_level,
        )
        for p in queryset
    ]


@router.get(
    "/procedures/{code}",
    response={200: dict[str, Any], **errors(400, 404, 422)},
    summary="One procedure with all its versions (public)",
)
def procedure_detail(request, code: Annotated[str, Text(20, 1)]) -> dict:
    procedure = selectors.procedures().filter(code=code).first()
    if procedure is None:
        raise NotFound(f"thủ tục {code}", f"procedure {code}")
    return selectors.procedure_as_dict(procedure)
