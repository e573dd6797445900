#!/usr/bin/env python3
"""Generates scenarios/iraq/regions.toml: the 101 districts of Iraq, from the
data copied into scenarios/iraq/data/ (OCHA / Iraq CSO boundaries, CSO
population estimates, GeoNames key cities).

Run from anywhere:  python3 scenarios/iraq/tools/gen_regions.py
The output is committed; re-run after editing this file. Standard library only.

Method (documented in scenarios/iraq/README.md):
  * ids, names and parents come from the district GeoJSON (ADM2_PCODE, ADM2_EN,
    ADM1_PCODE); neighbours and positions come from the map at load time.
  * population: the governorate's 2014-07 figure (geometric interpolation of
    the CSO 2009 and 2018 estimates, governorates.csv) is split across its
    districts by weights: the governorate seat `pop_seat_weight`, any other
    district holding a key city `pop_city_weight`, every other district 1
    (Baghdad: urban districts 1, the rural belt `pop_baghdad_rural_weight`).
    The weights are uncertain parameters (no district figures are in the data).
  * composition: per-district templates (below) whose unsourced shares are
    uncertain parameters declared in this file; the secondary split of the
    residual between minor groups is a fixed fraction, noted per template.
"""
import csv
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SCEN = os.path.dirname(HERE)
DATA = os.path.join(SCEN, "data")

districts = json.load(open(os.path.join(DATA, "iraq-adm2-districts.geojson")))["features"]
govs = {r["ADM1_PCODE"]: r for r in csv.DictReader(open(os.path.join(DATA, "governorates.csv")))}
cities = list(csv.DictReader(open(os.path.join(DATA, "iraq-key-cities.csv"))))
city_of = {}
for c in cities:
    city_of.setdefault(c["ADM2_PCODE"], []).append(c["city"])

SEAT = {
    "IQG01": "IQG01Q03", "IQG02": "IQG02Q02", "IQG03": "IQG03Q04", "IQG04": "IQG04Q03",
    "IQG05": "IQG05Q02", "IQG06": "IQG06Q01", "IQG07": "IQG07Q02", "IQG08": None,
    "IQG09": "IQG09Q02", "IQG10": "IQG10Q04", "IQG11": "IQG11Q02", "IQG12": "IQG12Q03",
    "IQG13": "IQG13Q04", "IQG14": "IQG14Q01", "IQG15": "IQG15Q05", "IQG16": "IQG16Q06",
    "IQG17": "IQG17Q04", "IQG18": "IQG18Q02",
}
BAGHDAD_RURAL = {"IQG08Q04", "IQG08Q05"}  # Al-Mada'in, Al-Mahmoudiya

# --- parameters (all assumptions unless a source is given) -------------------
PARAMS = {
    "pop_seat_weight": (4.0, 2.0, 6.0, "assumption: population weight of a governorate's seat district relative to a rural district (no district figures in the data); 2–6 spans the seat's share of its governorate"),
    "pop_city_weight": (2.0, 1.2, 3.0, "assumption: population weight of a non-seat district holding a key city (iraq-key-cities.csv)"),
    "pop_baghdad_rural_weight": (0.6, 0.3, 1.0, "assumption: weight of Baghdad's rural belt districts (Al-Mada'in, Al-Mahmoudiya) relative to its urban districts"),
    "comp_anbar_sunni": (0.97, 0.93, 0.99, "assumption: Anbar 'overwhelmingly Sunni Arab' (composition-notes.csv, UNSOURCED conventional); residual Shia Arab"),
    "comp_south_shia": (0.97, 0.92, 0.99, "assumption: Babil (south), Wassit, Kerbala, Najaf, Qadissiya, Muthanna, Thi Qar, Maysan 'predominantly Shia Arab' (composition-notes.csv, UNSOURCED conventional); residual Sunni Arab"),
    "comp_basra_shia": (0.90, 0.80, 0.95, "assumption: Basra Shia Arab with a Sunni minority, e.g. Zubair (composition-notes.csv, UNSOURCED conventional)"),
    "comp_north_babil_sunni": (0.30, 0.15, 0.45, "assumption: Sunni Arab share of northern Babil (Al-Mussyab, Al-Mahaweel: Jurf al-Sakhar, Iskandariya), not in the data"),
    "comp_baghdad_sunni": (0.30, 0.20, 0.40, "assumption: Baghdad 'Shia Arab majority with large Sunni Arab minority' (composition-notes.csv, UNSOURCED conventional); national Sunni 29–34% (CIA 2015, composition-notes.csv). Per-district multipliers fixed in gen_regions.py"),
    "comp_sad_sunni": (0.92, 0.82, 0.98, "assumption: Salah Al-Din 'Sunni Arab majority' (composition-notes.csv, UNSOURCED conventional); residual Shia Arab"),
    "comp_balad_shia": (0.50, 0.30, 0.70, "assumption: Shia Arab share of Balad district (Balad, Dujail: 'Shia Arab pockets', composition-notes.csv)"),
    "comp_tooz_turkmen": (0.40, 0.25, 0.55, "assumption: Turkmen share of Tooz Khurmato ('Shia Turkmen (Tuz)', composition-notes.csv); residual Kurd and Sunni Arab half each"),
    "comp_mosul_sunni": (0.85, 0.75, 0.92, "assumption: Sunni Arab share of Al-Mosul district (Mosul right bank 'homogeneously Sunni Arab', MEES via composition-notes.csv); residual Kurd 30%, Turkmen 20%, Christian/Shabak 50%"),
    "comp_ninewa_rural_sunni": (0.93, 0.85, 0.98, "assumption: Sunni Arab share of Al-Baaj and Al-Hatra; residual Yazidi (Baaj) or Kurd (Hatra)"),
    "comp_sinjar_yazidi": (0.70, 0.55, 0.85, "assumption: Yazidi share of Sinjar district (composition-notes.csv: Yazidis in Sinjar); residual Sunni Arab 60%, Kurd 40%"),
    "comp_telafar_turkmen": (0.75, 0.60, 0.90, "assumption: Turkmen share of Telafar district (composition-notes.csv: Turkmen, mixed Sunni/Shia); residual Sunni Arab"),
    "comp_plains_minorities": (0.60, 0.40, 0.80, "assumption: Christian/Shabak share of Al-Hamdaniya and Tilkaef (Nineveh Plains, composition-notes.csv); residual split per template"),
    "comp_shikhan_yazidi": (0.40, 0.25, 0.60, "assumption: Yazidi share of Al-Shikhan; residual Kurd 85%, Christian 15%"),
    "comp_kirkuk_kurd": (0.40, 0.30, 0.50, "assumption: Kurdish share of Kirkuk, Daquq, Dibis ('contested Kurd / Arab / Turkmen mix', composition-notes.csv, UNSOURCED)"),
    "comp_kirkuk_turkmen": (0.25, 0.15, 0.35, "assumption: Turkmen share of Kirkuk, Daquq, Dibis; Sunni Arab the residual"),
    "comp_hawija_sunni": (0.95, 0.90, 0.99, "assumption: Sunni Arab share of Al-Hawiga; residual Kurd"),
    "comp_diyala_sunni": (0.60, 0.50, 0.65, "Diyala 'Sunni Arab+Sunni Turkmen 60%, Shia 25%, Kurds 15%' (IOM DTM 2024, composition-notes.csv); alt. 50/32/8 (weak). Applied to Baquba, Al-Muqdadiya, Al-Khalis, Baladruz: the uniform district split and the 2024→2014 transfer are assumptions"),
    "comp_diyala_shia": (0.25, 0.20, 0.32, "Diyala Shia 25% (IOM DTM 2024, composition-notes.csv); Kurd the residual; district split an assumption"),
    "comp_khanaqin_kurd": (0.60, 0.45, 0.75, "assumption: Kurdish (incl. Feyli) share of Khanaqin; residual Shia and Sunni Arab half each"),
    "comp_kifri_kurd": (0.70, 0.50, 0.85, "assumption: Kurdish share of Kifri; residual Sunni Arab"),
    "comp_makhmour_kurd": (0.60, 0.40, 0.80, "assumption: Kurdish share of Makhmour; residual Sunni Arab"),
    "comp_krg_kurd": (0.95, 0.90, 0.99, "assumption: Erbil, Duhok, Sulaymaniyah 'predominantly Sunni Kurdish' (composition-notes.csv, UNSOURCED conventional); residual Christian/Turkmen/Yazidi per template"),
    "sunni_grievance": (0.60, 0.40, 0.80, "assumption: initial Sunni Arab grievance after the 2012–13 protest movement and its suppression (not in the data)"),
    "sunni_isis_support": (0.10, 0.02, 0.25, "assumption: initial Sunni Arab support for ISIS in Sunni-majority governorates (not in the data)"),
    "shia_militia_support": (0.40, 0.20, 0.60, "assumption: initial Shia Arab support for the Shia militias (not in the data)"),
}

BAGHDAD_MULT = {  # Sunni share = mult × comp_baghdad_sunni (capped at 0.95); assumption
    "IQG08Q01": 1.8,  # Al-Adhamiya
    "IQG08Q02": 1.3,  # Al-Kadhmiyah (incl. Abu Ghraib, Taji belt)
    "IQG08Q03": 1.2,  # Al-Karkh
    "IQG08Q04": 1.5,  # Al-Mada'in
    "IQG08Q05": 1.6,  # Al-Mahmoudiya
    "IQG08Q06": 0.8,  # Al-Risafa
    "IQG08Q07": 0.1,  # Al-Thawra (Sadr City)
}


def composition(pc, gov):
    """Returns {identity: expression} for a district."""
    def two(a, b, p):
        return {a: p, b: f"1 - {p}"}

    if gov == "IQG01":
        return two("sunni", "shia", "comp_anbar_sunni")
    if gov == "IQG02":
        return two("shia", "sunni", "comp_basra_shia")
    if pc in ("IQG07Q04", "IQG07Q03"):
        return two("sunni", "shia", "comp_north_babil_sunni")
    if gov in ("IQG03", "IQG04", "IQG05", "IQG07", "IQG12", "IQG14", "IQG17", "IQG18"):
        return two("shia", "sunni", "comp_south_shia")
    if gov == "IQG08":
        s = f"min(0.95, {BAGHDAD_MULT[pc]} * comp_baghdad_sunni)"
        return {"sunni": s, "shia": f"1 - {s}"}
    if gov == "IQG16":
        if pc == "IQG16Q04":
            return two("shia", "sunni", "comp_balad_shia")
        if pc == "IQG16Q07":
            return {"turkmen": "comp_tooz_turkmen", "kurd": "0.5 * (1 - comp_tooz_turkmen)", "sunni": "0.5 * (1 - comp_tooz_turkmen)"}
        return two("sunni", "shia", "comp_sad_sunni")
    if gov == "IQG15":
        r = {
            "IQG15Q05": {"sunni": "comp_mosul_sunni", "kurd": "0.3 * (1 - comp_mosul_sunni)", "turkmen": "0.2 * (1 - comp_mosul_sunni)", "other": "0.5 * (1 - comp_mosul_sunni)"},
            "IQG15Q02": two("sunni", "yazidi", "comp_ninewa_rural_sunni"),
            "IQG15Q04": two("sunni", "kurd", "comp_ninewa_rural_sunni"),
            "IQG15Q07": {"yazidi": "comp_sinjar_yazidi", "sunni": "0.6 * (1 - comp_sinjar_yazidi)", "kurd": "0.4 * (1 - comp_sinjar_yazidi)"},
            "IQG15Q08": two("turkmen", "sunni", "comp_telafar_turkmen"),
            "IQG15Q03": {"other": "comp_plains_minorities", "sunni": "0.5 * (1 - comp_plains_minorities)", "kurd": "0.5 * (1 - comp_plains_minorities)"},
            "IQG15Q09": {"other": "comp_plains_minorities", "kurd": "0.5 * (1 - comp_plains_minorities)", "sunni": "0.3 * (1 - comp_plains_minorities)", "yazidi": "0.2 * (1 - comp_plains_minorities)"},
            "IQG15Q06": {"yazidi": "comp_shikhan_yazidi", "kurd": "0.85 * (1 - comp_shikhan_yazidi)", "other": "0.15 * (1 - comp_shikhan_yazidi)"},
            "IQG15Q01": two("kurd", "sunni", "comp_krg_kurd"),
        }
        return r[pc]
    if gov == "IQG13":
        if pc == "IQG13Q01":
            return two("sunni", "kurd", "comp_hawija_sunni")
        return {"kurd": "comp_kirkuk_kurd", "turkmen": "comp_kirkuk_turkmen", "sunni": "1 - comp_kirkuk_kurd - comp_kirkuk_turkmen"}
    if gov == "IQG10":
        if pc == "IQG10Q05":
            return {"kurd": "comp_khanaqin_kurd", "shia": "0.5 * (1 - comp_khanaqin_kurd)", "sunni": "0.5 * (1 - comp_khanaqin_kurd)"}
        if pc == "IQG10Q06":
            return two("kurd", "sunni", "comp_kifri_kurd")
        return {"sunni": "comp_diyala_sunni", "shia": "comp_diyala_shia", "kurd": "1 - comp_diyala_sunni - comp_diyala_shia"}
    if pc == "IQG11Q04":
        return two("kurd", "sunni", "comp_makhmour_kurd")
    if gov == "IQG09":
        return {"kurd": "comp_krg_kurd", "yazidi": "0.5 * (1 - comp_krg_kurd)", "other": "0.5 * (1 - comp_krg_kurd)"}
    if gov == "IQG11":
        return {"kurd": "comp_krg_kurd", "other": "0.5 * (1 - comp_krg_kurd)", "turkmen": "0.5 * (1 - comp_krg_kurd)"}
    if gov == "IQG06":
        return two("kurd", "other", "comp_krg_kurd")
    raise KeyError(pc)


URBAN = {"IQG15Q05", "IQG01Q03", "IQG01Q01", "IQG08Q01", "IQG08Q02", "IQG08Q03", "IQG08Q06", "IQG08Q07",
         "IQG13Q04", "IQG16Q06", "IQG16Q05", "IQG10Q04", "IQG02Q02", "IQG12Q03", "IQG04Q01", "IQG11Q02",
         "IQG06Q01", "IQG09Q02", "IQG07Q02", "IQG18Q02", "IQG14Q01", "IQG17Q04", "IQG05Q02", "IQG03Q04"}
DESERT = {"IQG01Q04", "IQG01Q02", "IQG01Q05", "IQG03Q03", "IQG15Q04", "IQG15Q02", "IQG12Q01", "IQG04Q03", "IQG02Q06"}
MOUNTAIN = {"IQG09Q01", "IQG09Q04", "IQG09Q02", "IQG11Q05", "IQG11Q06", "IQG11Q01", "IQG11Q03",
            "IQG06Q08", "IQG06Q09", "IQG06Q04", "IQG06Q10", "IQG06Q07", "IQG06Q05", "IQG06Q03", "IQG15Q01", "IQG15Q07"}

VALUE = {  # strategic value (default 1); assumption, reason in the comment
    "IQG08Q06": (10, "Baghdad (Risafa): seat of government"), "IQG08Q03": (10, "Baghdad (Karkh): Green Zone"),
    "IQG08Q02": (8, "Kadhimiya shrine; Abu Ghraib approach to Baghdad"), "IQG08Q01": (6, "Baghdad"), "IQG08Q07": (6, "Baghdad"),
    "IQG08Q04": (4, "Baghdad belt"), "IQG08Q05": (4, "Baghdad belt"),
    "IQG15Q05": (6, "Mosul, second city"), "IQG01Q03": (5, "Ramadi, capital of Anbar, ~110 km from Baghdad"),
    "IQG01Q01": (4, "Fallujah, gate to Baghdad"), "IQG16Q03": (6, "Baiji refinery, Iraq's largest"),
    "IQG01Q02": (4, "Al-Qaim border crossing with Syria"), "IQG16Q05": (5, "Samarra: al-Askari shrine"),
    "IQG16Q06": (3, "Tikrit, capital of Salah Al-Din"), "IQG01Q06": (4, "Haditha dam"),
    "IQG13Q04": (6, "Kirkuk oil fields"), "IQG11Q02": (6, "Erbil, KRG capital"), "IQG12Q03": (3, "Kerbala shrines (defended by their own volunteers; low value to ISIS targeting)"),
    "IQG04Q01": (5, "Kufa"), "IQG04Q03": (3, "Najaf shrine (as Kerbala)"), "IQG02Q02": (6, "Basra, oil exports"),
    "IQG01Q07": (2, "Hit"), "IQG15Q08": (3, "Tal Afar"), "IQG15Q07": (2, "Sinjar"), "IQG13Q01": (2, "Hawija"),
    "IQG01Q04": (2, "Rutba: road to Jordan"), "IQG10Q04": (3, "Baquba"), "IQG16Q04": (3, "Balad air base"),
    "IQG06Q01": (4, "Sulaymaniyah"), "IQG09Q02": (4, "Duhok"), "IQG07Q02": (3, "Hilla"), "IQG07Q04": (3, "Jurf al-Sakhar, road to Kerbala"),
}

INCOME = {  # money (million USD) per week to the controller; shares of isis_oil_weekly
    "IQG16Q03": (0.30, "Baiji refinery"), "IQG15Q05": (0.25, "Qayyarah/Najma fields (Mosul district)"),
    "IQG16Q01": (0.20, "Hamrin fields (Ajil, Allas) east of Tikrit"), "IQG01Q02": (0.15, "Al-Qaim crossing"),
    "IQG15Q02": (0.10, "smuggling routes to Syria (Al-Baaj)"),
}

KRG = {"IQG09Q01", "IQG09Q02", "IQG09Q03", "IQG09Q04", "IQG11Q01", "IQG11Q02", "IQG11Q03", "IQG11Q04", "IQG11Q05", "IQG11Q06",
       "IQG15Q01", "IQG15Q06", "IQG15Q07", "IQG10Q05", "IQG10Q06"} | {f"IQG06Q{i:02d}" for i in range(1, 11)}
ISIS = {"IQG01Q01"}  # Fallujah, lost early January 2014 (control-events.csv)

SUNNI_HEARTLAND = {"IQG01", "IQG15", "IQG16", "IQG13", "IQG10", "IQG08", "IQG07"}


def q(x):
    return json.dumps(x, ensure_ascii=False)


def main():
    out = []
    out.append("# GENERATED by scenarios/iraq/tools/gen_regions.py from scenarios/iraq/data/ — do not edit by hand.")
    out.append("# Boundaries: OCHA COD Iraq admin boundaries (Iraq CSO / ITOS), CC BY 3.0 IGO, attribution \"OCHA, Iraq CSO\".")
    out.append("# Population: Iraq CSO governorate estimates (2014-07 geometric interpolation, governorates.csv), split by the")
    out.append("# documented weights below. Key cities: GeoNames (CC BY 4.0). Composition: composition-notes.csv + assumptions.")
    out.append("")
    for k, (v, lo, hi, src) in PARAMS.items():
        assumption = "true"
        out.append(f"[parameters.{k}]")
        out.append(f"value = {v}\nmin = {lo}\nmax = {hi}\ndistribution = \"uniform\"\nsource = {q(src)}\nassumption = {assumption}\n")
    by_gov = {}
    for f in districts:
        p = f["properties"]
        by_gov.setdefault(p["ADM1_PCODE"], []).append(p)
    for gov, ds in sorted(by_gov.items()):
        g = govs[gov]
        total = int(g["derived_2014_07_geometric_interp"])

        def weight(pc):
            if gov == "IQG08":
                return "pop_baghdad_rural_weight" if pc in BAGHDAD_RURAL else "1"
            if pc == SEAT[gov]:
                return "pop_seat_weight"
            if pc in city_of:
                return "pop_city_weight"
            return "1"

        ws = [weight(p["ADM2_PCODE"]) for p in ds]
        from collections import Counter
        cnt = Counter(ws)
        terms = []
        for name in ("pop_seat_weight", "pop_city_weight", "pop_baghdad_rural_weight"):
            if cnt[name]:
                terms.append(name if cnt[name] == 1 else f"{cnt[name]} * {name}")
        if cnt["1"]:
            terms.append(str(cnt["1"]))
        denom = " + ".join(terms)
        for p in sorted(ds, key=lambda p: p["ADM2_PCODE"]):
            pc = p["ADM2_PCODE"]
            w = weight(pc)
            terrain = "urban" if pc in URBAN else "desert" if pc in DESERT else "mountain" if pc in MOUNTAIN else "rural"
            control = "isis" if pc in ISIS else "krg" if pc in KRG else "gov"
            comp = composition(pc, gov)
            out.append(f"[regions.{pc}]")
            out.append(f"name = {q(p['ADM2_EN'])}")
            out.append(f"parent = {q(gov)}")
            out.append(f"terrain = \"{terrain}\"")
            if pc in VALUE:
                out.append(f"value = {VALUE[pc][0]}  # assumption: {VALUE[pc][1]}")
            if pc in INCOME:
                out.append(f"income = \"{INCOME[pc][0]} * isis_oil_weekly\"  # {INCOME[pc][1]}")
            out.append(f"control = \"{control}\"")
            out.append(f"total_population = \"{total} * {w} / ({denom})\"")
            out.append("composition = { " + ", ".join(f"{i} = {q(e)}" for i, e in comp.items()) + " }")
            # Attitudes (assumptions, parameters above).
            griev = {"sunni": "sunni_grievance"} if "sunni" in comp else {}
            if "shia" in comp:
                griev["shia"] = 0.15
            if griev:
                out.append("grievance = { " + ", ".join(f"{i} = {q(e)}" for i, e in griev.items()) + " }")
            sup = {}
            if "sunni" in comp:
                s = {"gov": -0.2}
                if gov in SUNNI_HEARTLAND:
                    s["isis"] = "sunni_isis_support"
                if gov == "IQG01":
                    s["tribes"] = 0.25
                sup["sunni"] = s
            if "shia" in comp:
                # The Shia residual of Anbar is tiny and not a militia recruiting ground
                # (otherwise PMF recruits appear in the desert districts of Anbar).
                sup["shia"] = {"gov": 0.4, "iran": 0.2} if gov == "IQG01" else {"gov": 0.4, "militias": "shia_militia_support", "iran": 0.2}
            if "kurd" in comp:
                sup["kurd"] = {"krg": 0.6}
            if "yazidi" in comp:
                sup["yazidi"] = {"krg": 0.3}
            if "turkmen" in comp:
                sup["turkmen"] = {"gov": 0.2}
            parts = []
            for i, s in sup.items():
                parts.append(f"{i} = {{ " + ", ".join(f"{a} = {q(e)}" for a, e in s.items()) + " }")
            out.append("support = { " + ", ".join(parts) + " }")
            cs = ", ".join(city_of.get(pc, [])) or "none"
            gname = g["ADM1_EN"]
            src = (f"boundaries: OCHA/Iraq CSO (ADM2 {pc}); population: CSO {gname} 2014-07 interpolation {total} x weight {w} / ({denom}) "
                   f"(weights are assumptions); composition: template in gen_regions.py (assumptions as parameters); key cities: {cs}")
            out.append(f"source = {q(src)}")
            out.append("")
    path = os.path.join(SCEN, "regions.toml")
    open(path, "w").write("\n".join(out))
    print(f"wrote {path}: {sum(len(v) for v in by_gov.values())} regions, {len(PARAMS)} parameters")


if __name__ == "__main__":
    main()
