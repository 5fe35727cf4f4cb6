"""Drive a run's report.html in headless Chromium through Selenium and chromedriver (tests/cli/report_interactive.sh).

usage: report_interactive.py OUT_DIR [--3d] [--no-cells] [--no-fields] [--plasma]

Opens OUT_DIR/report.html from file:// and asserts: no console message of any level; moving the slider (keyboard
on the slider) changes the canvas pixels, the displayed time and every plot's cursor; changing the substrate and the
colour-by variable change the pixels; hovering over the screen position of a cell taken from the cells CSV (one no
other drawn cell covers) shows a tooltip with its id and values equal to the CSV's (Float32: 1e-6 relative);
clicking a plot moves the slider. With --no-cells or --no-fields what is not there is not checked, but that the
viewer says so is. With --plasma the run has a body: its plasma values are plotted and follow the slider too."""
import csv
import hashlib
import math
import os
import re
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

out = sys.argv[1]
three_d = "--3d" in sys.argv
no_cells = "--no-cells" in sys.argv
no_fields = "--no-fields" in sys.argv
plasma = "--plasma" in sys.argv


def fail(msg):
    print("report_interactive: " + msg, file=sys.stderr)
    sys.exit(1)


opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--window-size=1400,1100",
          "--force-device-scale-factor=1", "--user-data-dir=" + os.path.join(out, ".chrome")):
    opts.add_argument(a)
opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
try:
    driver.set_page_load_timeout(60)
    driver.get("file://" + os.path.abspath(os.path.join(out, "report.html")))

    def logs(when):
        got = driver.get_log("browser")
        if got:
            fail(f"{out}: console messages {when}: {got}")

    def canvas_hash():
        url = driver.execute_script("return document.getElementById('v-canvas').toDataURL('image/png');")
        return hashlib.sha256(url.encode()).hexdigest()

    def cursors():
        return [(e.get_attribute("x1"), e.get_attribute("data-t"))
                for e in driver.find_elements(By.CSS_SELECTOR, "#v-plots figure:not([hidden]) line.v-cursor")]

    logs("on load")
    if driver.find_element(By.ID, "v-nojs").is_displayed():
        fail("the no-JavaScript note is still shown: the script did not run")
    slider = driver.find_element(By.ID, "v-time")
    label = driver.find_element(By.ID, "v-time-label")
    canvas = driver.find_element(By.ID, "v-canvas")
    nframes = int(slider.get_attribute("max")) + 1
    if nframes < 3:
        fail(f"only {nframes} output times in the viewer")
    times = driver.execute_script("return STROMA_RUN.times;")

    # the slider: keyboard on the focused range input (a user's arrow keys), to the last time
    h0, l0, c0 = canvas_hash(), label.text, cursors()
    if not c0:
        fail("no plot cursor")
    titles = [e.get_attribute("data-title") for e in driver.find_elements(By.CSS_SELECTOR, "#v-plots figure:not([hidden]) svg")]
    if plasma != any(t.endswith(" in plasma") for t in titles):
        fail(f"plots {titles}: plasma expected {plasma}")
    if not l0.startswith("t = 0 min"):
        fail(f"first time label {l0!r}")
    slider.send_keys(Keys.END)
    h1, l1, c1 = canvas_hash(), label.text, cursors()
    last = times[-1]
    if slider.get_attribute("value") != str(nframes - 1):
        fail(f"the slider is at {slider.get_attribute('value')}, not {nframes - 1}")
    if h1 == h0:
        fail("moving the slider did not change the picture")
    if l1 == l0 or not l1.startswith(f"t = {last:g} min"):
        fail(f"moving the slider: time label {l0!r} -> {l1!r}, expected t = {last:g} min")
    if len(c1) != len(c0) or any(a[0] == b[0] for a, b in zip(c0, c1)):
        fail(f"the plot cursors did not follow the slider: {c0} -> {c1}")
    if any(float(t) != last for _, t in c1):
        fail(f"the plot cursors are not at t = {last}: {c1}")
    slider.send_keys(Keys.ARROW_LEFT)
    if slider.get_attribute("value") != str(nframes - 2) or canvas_hash() == h1:
        fail("the left arrow did not step the slider back and redraw")
    slider.send_keys(Keys.END)

    # the substrate under the cells
    field = Select(driver.find_element(By.ID, "v-field"))
    render_c = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "io", "render.c")).read()

    def pixels(points):
        """RGB of the canvas at CSS pixels points [(x, y), ...], read from a copy (so the page's canvas is not read back
        often, which Chromium warns about)"""
        return driver.execute_script(
            "const c = document.getElementById('v-canvas'), d = window.devicePixelRatio || 1;"
            "const t = document.createElement('canvas'); t.width = c.width; t.height = c.height;"
            "const x = t.getContext('2d', {willReadFrequently: true}); x.drawImage(c, 0, 0);"
            "const img = x.getImageData(0, 0, c.width, c.height).data;"
            "return arguments[0].map(([x, y]) => { const k = 4 * (Math.round(y * d) * c.width + Math.round(x * d));"
            " return [img[k], img[k + 1], img[k + 2]]; });",
            [list(p) for p in points])

    if not no_fields and not three_d and not no_cells:
        # at the second time, each substrate's voxels that no cell covers are its CSV values in viridis (render.c's
        # table), on one scale for all the times: from 0 to at least the largest value of every time (IL6 grows,
        # so a scale of the time shown would not reach it)
        table = [tuple(map(float, m)) for m in re.findall(
            r"\{([0-9.]+), ([0-9.]+), ([0-9.]+)\}", re.search(r"viridis_table\[VIRIDIS_N\]\[3\] = \{(.*?)\};", render_c, re.S).group(1))]

        def viridis(u):
            u = min(max(u, 0.0), 1.0) * (len(table) - 1)
            k = min(int(u), len(table) - 2)
            return [round(255 * (a + (u - k) * (b - a))) for a, b in zip(table[k], table[k + 1])]

        slider.send_keys(Keys.HOME, Keys.ARROW_RIGHT)
        t1 = times[1]
        with open(os.path.join(out, "cells", f"cells_{t1:.10g}.csv")) as f:
            cells_now = list(csv.DictReader(f))
        for k, name in enumerate(driver.execute_script("return STROMA_RUN.fields.map((f) => f.name);")):
            field.select_by_index(k)
            lo, hi = map(float, canvas.get_attribute("data-field-range").split())
            top = -math.inf
            for t in times:
                with open(os.path.join(out, "fields", f"{name}_{t:.10g}.csv")) as f:
                    top = max([top] + [float(r["value"]) for r in csv.DictReader(f)])
            if lo != 0 or not top <= hi < 1.5 * top:
                fail(f"{name}: colour scale [{lo}, {hi}], largest value over all times {top}")
            with open(os.path.join(out, "fields", f"{name}_{t1:.10g}.csv")) as f:
                voxels = list(csv.DictReader(f))
            lo_a, lo_b, scale, map_x, map_y, map_h = map(float, canvas.get_attribute("data-view").split())
            free = [v for v in voxels if not any(math.hypot(float(c["x"]) - float(v["x"]), float(c["y"]) - float(v["y"]))
                                                 < float(c["radius"]) + 3 / scale for c in cells_now)]
            if len(free) < 5:
                fail(f"only {len(free)} voxels free of cells to check the heat map")
            got = pixels([(map_x + (float(v["x"]) - lo_a) * scale, map_y + map_h - (float(v["y"]) - lo_b) * scale)
                          for v in free])
            for v, g in zip(free, got):
                want = viridis((float(v["value"]) - lo) / (hi - lo))
                if any(abs(a - b) > 2 for a, b in zip(g, want)):
                    fail(f"{name} at ({v['x']}, {v['y']}) = {v['value']}: drawn {g}, viridis gives {want}")
        field.select_by_index(0)
        slider.send_keys(Keys.END)
    names = [o.text for o in field.options]
    if no_fields:
        if names != ["none"] or driver.find_element(By.ID, "v-field").is_enabled():
            fail(f"a run without field files offers substrates {names}")
    elif "none" not in names or len(names) < 2:
        fail(f"substrate choices {names}")
    if not no_fields:
        field.select_by_visible_text("none")
        h2 = canvas_hash()
        if h2 == h1:
            fail("choosing no substrate did not change the picture")
        field.select_by_index(len(names) - 2)
        if canvas_hash() == h2:
            fail(f"choosing {names[-2]} did not change the picture")
        field.select_by_index(0)

    info = driver.find_element(By.ID, "v-info").text
    if no_cells:
        if driver.find_element(By.ID, "v-color").is_enabled() or "No cell file" not in info:
            fail(f"a run without cell files: colour-by enabled or no note ({info!r})")

    if not no_cells:
        # colour by a variable
        colour = Select(driver.find_element(By.ID, "v-color"))
        choices = [o.text for o in colour.options]
        for want in ("type", "volume", "pressure", "age", "damage"):
            if want not in choices:
                fail(f"colour-by choices lack {want}: {choices}")
        h3 = canvas_hash()
        colour.select_by_visible_text("volume")
        if canvas_hash() == h3:
            fail("colouring by volume did not change the picture")
        colour.select_by_visible_text("type")
        if canvas_hash() != h3:
            fail("colouring by type again did not give the same picture")

        # hover over a cell of the last time, taken from its CSV
        with open(os.path.join(out, "cells", f"cells_{last:.10g}.csv")) as f:
            rows = list(csv.DictReader(f))
        plane = driver.execute_script("return STROMA_RUN.plane;")

        def cut(r):
            """radius of the disc drawn for row r (0: not drawn)"""
            rad = float(r["radius"])
            if plane is None:
                return rad
            d = float(r[plane["axis"]]) - plane["um"]
            return math.sqrt(rad * rad - d * d) if abs(d) < rad else 0.0

        drawn = [r for r in rows if cut(r) > 0]
        if three_d and not (0 < len(drawn) < len(rows)):
            fail(f"3D: {len(drawn)} of {len(rows)} cells cut by the plane")
        want_info = ("Cells cut by the plane: " if three_d else "Cells: ") + f"{len(drawn)}."
        if not info.startswith(want_info):
            fail(f"the viewer says {info!r}, expected {want_info!r}")
        # a live cell that no other drawn cell reaches at its centre, the farthest from its neighbours
        best, gap = None, 0.0
        for r in drawn:
            if r["state"] != "live":
                continue
            x, y = float(r["x"]), float(r["y"])
            m = min((math.hypot(float(o["x"]) - x, float(o["y"]) - y) - cut(o) for o in drawn if o is not r),
                    default=1e9)
            if m > gap:
                best, gap = r, m
        if best is None:
            fail("no live cell free to hover over")
        lo_a, lo_b, scale, map_x, map_y, map_h = map(float, canvas.get_attribute("data-view").split())
        px = map_x + (float(best["x"]) - lo_a) * scale
        py = map_y + map_h - (float(best["y"]) - lo_b) * scale
        w, h = canvas.size["width"], canvas.size["height"]
        # Selenium 4 offsets are from the element's centre
        ActionChains(driver).move_to_element_with_offset(canvas, int(round(px - w / 2)), int(round(py - h / 2))).perform()
        tip = driver.find_element(By.ID, "v-tip")
        if not tip.is_displayed():
            fail(f"no tooltip over cell {best['id']} at ({px:.1f}, {py:.1f}) px")
        if tip.get_attribute("data-cell") != best["id"] or f"cell {best['id']} " not in tip.text:
            fail(f"the tooltip is not cell {best['id']}'s: {tip.text[:200]!r}")
        if best["type"] not in tip.text:
            fail(f"the tooltip lacks the type {best['type']}")
        shown = {}
        for tr in tip.find_elements(By.CSS_SELECTOR, "tr"):
            k, v = tr.find_element(By.TAG_NAME, "th").text, tr.find_element(By.TAG_NAME, "td").text
            shown[k] = v
        checked = 0
        for k in ("volume", "radius", "x", "y", "pressure", "age"):
            want = float(best[k])
            got = float(shown[k])
            if abs(got - want) > 1e-6 * max(1.0, abs(want)):
                fail(f"cell {best['id']}: tooltip {k} = {got}, CSV {want}")
            checked += 1
        missing = [k for k in rows[0] if k not in ("type", "state") and k not in shown]
        if missing:
            fail(f"the tooltip lacks the columns {missing}")
        # the cell is drawn in its type's colour, the pictures' palette (src/io/render.c palette_hex)
        table = re.search(r"palette_hex\[STROMA_PALETTE_SIZE\] = \{(.*?)\};", render_c, re.S).group(1)
        palette = [int(h, 16) for h in re.findall(r"0x([0-9A-Fa-f]{6})", table)]
        k = driver.execute_script("return STROMA_RUN.types;").index(best["type"])
        want = palette[k % len(palette)]
        got = pixels([(px, py)])[0]
        if any(abs(g - (want >> sh & 255)) > 1 for g, sh in zip(got, (16, 8, 0))):
            fail(f"cell {best['id']} ({best['type']}) is drawn {got[:3]}, its type's colour is #{want:06x}")
        ActionChains(driver).move_to_element(label).perform()  # off the canvas: the tooltip goes
        if tip.is_displayed():
            fail("the tooltip stays after the pointer left the canvas")

    # Play steps through the times from the first; a second click pauses
    slider.send_keys(Keys.HOME)
    play = driver.find_element(By.ID, "v-play")
    play.click()
    for _ in range(50):
        if slider.get_attribute("value") != "0":
            break
        time.sleep(0.1)
    else:
        fail("Play did not move the slider")
    if play.text != "Pause":
        fail(f"the playing button says {play.text!r}")
    play.click()
    at = slider.get_attribute("value")
    time.sleep(1.0)
    if slider.get_attribute("value") != at or play.text != "Play":
        fail("Pause did not stop the slider")
    slider.send_keys(Keys.END)

    # clicking a plot moves the slider: its left edge is the first time
    plot = driver.find_element(By.CSS_SELECTOR, "#v-plots figure:not([hidden]) svg")
    ActionChains(driver).move_to_element_with_offset(plot, -plot.size["width"] // 2 + 60, 0).click().perform()
    if slider.get_attribute("value") != "0" or not label.text.startswith("t = 0 min"):
        fail(f"clicking a plot near t = 0 left the slider at {slider.get_attribute('value')} ({label.text!r})")
    if any(float(t) != times[0] for _, t in cursors()):
        fail("the plot cursors did not move with the click")
    logs("after the interaction")
    print(f"report_interactive: {out}: ok ({nframes} times, {len(names) - 1} substrates)", file=sys.stderr)
finally:
    driver.quit()
