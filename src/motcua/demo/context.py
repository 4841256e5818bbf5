from .models import HistoryLoad


def history_load(request) -> dict:
    """The demo history still loading in the background, if any, for the banner in base.html."""
    load = HistoryLoad.objects.filter(state__in=(HistoryLoad.State.QUEUED, HistoryLoad.State.RUNNING)).first()
    return {"demo_history_load": load}
