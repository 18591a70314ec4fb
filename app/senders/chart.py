"""Colours of item statuses on the portal's chart (drawn by the vendored Chart.js, static/vendor/chartjs)."""
from __future__ import annotations

COLOURS = {
    "registered": "#8c8c8c", "awaiting_collection": "#e0a100", "delivered": "#2e7d32", "collected": "#1b5e20",
    "refused": "#b71c1c", "undeliverable": "#d84315", "returned": "#6a1b9a", "deemed_served": "#1565c0",
    "deemed_service_not_established": "#00838f",
}
