"""sim.delta.domain: the built-in delta — exact populations, determinism, the cache."""

import numpy as np
import pytest
import xarray as xr

from sim.delta import domain
from sim.delta.domain import build_delta, load_delta


@pytest.fixture(scope="module")
def delta():
    return load_delta(use_disk_cache=False)


def test_population_sums_to_each_cercle_exactly(delta):
    sums = delta.cercle_population()
    for cercle in delta.cercles:
        assert sums[cercle.pcode] == cercle.population, cercle.name
    assert delta.population.dtype.kind == "i" and (delta.population >= 0).all()
    assert delta.population[delta.cercle_index < 0].sum() == 0


def test_projection_uses_the_regional_growth_rate(delta):
    mopti = delta.cercle("ML0501")
    # hand sum: 368,512 × 1.030**15 = 574,133
    assert mopti.growth_rate == pytest.approx(0.030)
    assert mopti.population == round(368_512 * 1.03**15)
    assert delta.year == 2024


def test_towns_are_denser_than_the_countryside(delta):
    density = delta.population / delta.grid.cell_area_km2[:, None]
    mopti = density[delta.grid.index_of(-4.1986, 14.4958)]
    rural_median = np.median(density[delta.cercle_index >= 0])
    assert mopti > 50 * rural_median


def test_people_live_near_the_rivers(delta):
    near = delta.terrain.river_distance_km < 15
    far = delta.terrain.river_distance_km > 60
    density = delta.population / delta.grid.cell_area_km2[:, None]
    assert density[near].mean() > 2 * density[far].mean()


def test_every_cercle_capital_is_in_its_own_cercle(delta):
    for k, cercle in enumerate(delta.cercles):
        capital = delta.place(cercle.capital)
        assert delta.cercle_index[delta.grid.index_of(capital.lon, capital.lat)] == k, cercle.name


def test_generation_is_deterministic():
    a = build_delta(resolution=0.02, year=2022)
    b = build_delta(resolution=0.02, year=2022)
    np.testing.assert_array_equal(a.population, b.population)
    np.testing.assert_array_equal(a.terrain.hand_m, b.terrain.hand_m)


def test_resolution_is_configurable_and_sums_stay_exact():
    coarse = build_delta(resolution=0.02, year=2030)
    assert coarse.grid.shape == (185, 185)
    assert coarse.cercle_population() == {c.pcode: c.population for c in coarse.cercles}


def test_disk_cache_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_CACHE_DIR", str(tmp_path))
    first = build_delta(resolution=0.02, year=2022, use_disk_cache=True)
    files = list(tmp_path.glob("delta-*.nc"))
    assert len(files) == 1
    monkeypatch.setattr(domain, "build_terrain", lambda *a, **k: pytest.fail("cache not used"))
    second = build_delta(resolution=0.02, year=2022, use_disk_cache=True)
    np.testing.assert_array_equal(first.population, second.population)
    np.testing.assert_allclose(first.terrain.hand_m, second.terrain.hand_m)


def test_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_CACHE_DIR", str(tmp_path))
    build_delta(resolution=0.02, year=2022, use_disk_cache=True)
    cached = next(tmp_path.glob("delta-*.nc"))
    cached.write_bytes(b"not a netcdf file")
    rebuilt = build_delta(resolution=0.02, year=2022, use_disk_cache=True)
    assert rebuilt.cercle_population() == {c.pcode: c.population for c in rebuilt.cercles}


def test_dataset_carries_units_and_crs(delta):
    ds = delta.to_dataset()
    assert isinstance(ds, xr.Dataset)
    assert ds["population"].attrs["units"] == "person"
    assert ds["hand"].attrs["units"] == "m"
    assert ds.attrs["crs"] == "EPSG:4326"
    assert ds.sizes == {"y": 370, "x": 370}


def test_gauges_hubs_and_links(delta):
    assert delta.gauge_names() == ["Mopti", "Sofara", "Akka", "Diré"]
    mopti = next(g for g in delta.gauges if g.name == "Mopti")
    assert mopti.alerts_cm["danger"] == 650
    assert mopti.records_cm["2022-10-09"] == 671  # OPIDIN: highest since 1969
    assert delta.hub_names() == ["Bamako", "Ségou", "Mopti/Sévaré", "Tombouctou", "Gao"]
    boat = next(
        link for link in delta.links if (link.origin, link.destination, link.mode) == ("Mopti", "Kabara", "river")
    )
    assert (boat.time_min_h, boat.time_max_h) == (72, 144)  # 3–6 days
    assert any(link.seasonal for link in delta.links if link.destination == "Diafarabé")


@pytest.mark.parametrize(
    ("kwargs", "message"), [({"resolution": 0.5}, "resolution"), ({"year": 1990}, "population year")]
)
def test_bad_parameters_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_delta(**kwargs)


def test_cached_array_is_computed_once_and_keyed(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_CACHE_DIR", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return np.arange(6, dtype=np.float32).reshape(2, 3) / 7

    first = domain.cached_array("thing", "key 1", compute)
    again = domain.cached_array("thing", "key 1", compute)
    assert len(calls) == 1 and again.dtype == np.float32
    np.testing.assert_array_equal(first, again)
    domain.cached_array("thing", "key 2", compute)  # another key, another file
    assert len(calls) == 2 and len(list(tmp_path.glob("thing-*.npy"))) == 2
    for path in tmp_path.glob("thing-*.npy"):
        path.write_bytes(b"damaged")
    np.testing.assert_array_equal(domain.cached_array("thing", "key 1", compute), first)
    assert len(calls) == 3
