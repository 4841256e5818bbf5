from ninja import Router, Schema

from . import selectors

router = Router(tags=["network"])


class UnitOut(Schema):
    code: str
    kind: str
    name_vi: str
    name_en: str
    jurisdiction: str
    address: str
    lat: float | None
    lon: float | None
    coord_approximate: bool
    counters: int
    opening_hours: str
    phone: str


@router.get("/units", response=list[UnitOut], summary="Service units (public)")
def list_units(request):
    return [
        UnitOut(
            code=u.code,
            kind=u.kind,
            name_vi=u.name_vi,
            name_en=u.name_en,
            jurisdiction=u.jurisdiction.code,
            address=u.address,
            lat=u.lat,
            lon=u.lon,
            coord_approximate=u.coord_approximate,
            counters=u.counters,
            opening_hours=u.opening_hours,
            phone=u.phone,
        )
        for u in selectors.service_units()
    ]
