from app.public import bp


@bp.get("/")
def home():
    return "Awizo"
