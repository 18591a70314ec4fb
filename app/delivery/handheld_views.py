"""The handheld's pages: an app shell the service worker caches; data lives on the device."""
from __future__ import annotations

import hashlib
import os

from flask import Response, current_app, redirect, render_template, url_for

from app.delivery.handheld import bp

# What the service worker caches on install, so the app opens and scans with no network.
SHELL_PAGES = ("handheld.scan", "handheld.today", "handheld.enrol_page", "handheld.notice")
SHELL_ASSETS = ("handheld/handheld.css", "handheld/s10.js", "handheld/canonical.js", "handheld/store.js",
                "handheld/app.js", "handheld/camera.js", "handheld/vendor/zxing-library-0.23.0.min.js",
                "handheld/icon-192.png", "handheld/icon-512.png")


def _static_folder() -> str:
    """The app's static folder; ``create_app`` always has one (Flask types it as optional)."""
    folder = current_app.static_folder
    if folder is None:
        raise RuntimeError("the application has no static folder")
    return folder


def _cache_version() -> str:
    """Changes whenever a shell asset changes, so installed handhelds pick up the new shell."""
    cached = current_app.extensions.get("handheld_cache_version")
    if cached is None or current_app.debug:
        digest = hashlib.sha256()
        for name in SHELL_ASSETS + ("handheld/sw.js",):
            with open(os.path.join(_static_folder(), name), "rb") as source:
                digest.update(source.read())
        cached = current_app.extensions["handheld_cache_version"] = "awizo-handheld-" + digest.hexdigest()[:12]
    return cached


@bp.get("/")
def index():
    return redirect(url_for("handheld.scan"))


@bp.get("/scan")
def scan():
    return render_template("handheld/scan.html", page="scan")


@bp.get("/today")
def today():
    return render_template("handheld/today.html", page="today")


@bp.get("/enrol")
def enrol_page():
    return render_template("handheld/enrol.html", page="enrol")


@bp.get("/notice")
def notice():
    return render_template("handheld/notice.html", page="notice")


@bp.get("/manifest.webmanifest")
def manifest():
    body = {
        "name": "Awizo — skaner listonosza",
        "short_name": "Awizo",
        "description": "Skanowanie przesyłek, awizo i dowód próby doręczenia / Scans, notices and proof of each attempt",
        "lang": "pl",
        "start_url": url_for("handheld.scan"),
        "scope": url_for("handheld.index"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b4f9c",
        "icons": [
            {"src": url_for("static", filename="handheld/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="handheld/icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "any maskable"},
        ],
    }
    response = current_app.json.response(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """Served from /h/ so its scope covers the whole handheld app."""
    shell = [url_for(endpoint) for endpoint in SHELL_PAGES] + [url_for("handheld.manifest")]
    shell += [url_for("static", filename=name) for name in SHELL_ASSETS]
    with open(_static_folder() + "/handheld/sw.js", encoding="utf-8") as source:
        body = f"const CACHE = {_cache_version()!r};\nconst SHELL = {shell!r};\n" + source.read()
    return Response(body, mimetype="text/javascript", headers={
        "Cache-Control": "no-cache", "Service-Worker-Allowed": url_for("handheld.index")})
