import pytest

from scenarios.generate import generate_routes
from scenarios.routes import RouteDefinition, write_routes


@pytest.fixture(scope="session")
def short_routes(procedural_graph, tmp_path_factory) -> list[RouteDefinition]:
    """Two ~200-300 m routes on the procedural town: the first waypoints of generated routes."""
    routes = generate_routes(procedural_graph, "Town05", 2, seed=21)
    return [RouteDefinition(id=f"short_{n}", town="Town05", waypoints=route.waypoints[:3])
            for n, route in enumerate(routes)]


@pytest.fixture(scope="session")
def short_routes_file(short_routes, tmp_path_factory):
    path = tmp_path_factory.mktemp("routes") / "short.xml"
    write_routes(path, short_routes)
    return path
