"""The health-data section of the coach's progress tab and the client's progress page."""

from .. import selectors_health
from ._common import chart_data


def health_context(client) -> dict:
    """The last 30 days of the phone's daily figures as charts (drawn by progress-charts.js)."""
    charts = selectors_health.health_charts(client=client)
    return {
        "health_charts": charts,
        "health_chart_data": [
            {**series, "type": chart["type"]} for series, chart in zip(chart_data(charts), charts, strict=True)
        ],
        "health_sync": selectors_health.health_sync_status(client=client),
    }
