"""What the browser tests share: picking findings, catching the diagnose request, measuring the page."""

from __future__ import annotations

FEVER, COUGH, DYSPNEA, HEADACHE, RASH, VOMITING = (
    "HP:0001945",
    "HP:0012735",
    "HP:0002094",
    "HP:0002315",
    "HP:0000988",
    "HP:0002013",
)
ROW = '#rows li[data-id="{}"]'
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENS = {"desktop": DESKTOP, "phone": PHONE}

# what a finger or a pointer has to hit (inline links inside sentences are exempt, as in WCAG 2.5.8; a
# checkbox or radio button is hit through its label, measured as `.suggestions label`)
TARGETS = (
    "button:not(.default-submit), select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
    "textarea, summary, "
    "a.name, a.details-link, a.back-link, nav.lang a, nav.lang button, [role=option], .suggestions label"
)
SMALL_TARGETS = """([selector, least]) => [...document.querySelectorAll(selector)].filter((el) => {
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.height === 0 || el.closest('[hidden]')) return false;
  return box.height < least - 0.5 || box.width < least - 0.5;
}).map((el) => {
  const box = el.getBoundingClientRect();
  const size = `${box.width.toFixed(0)}x${box.height.toFixed(0)}`;
  return `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${size}`;
})"""


def pick(page, typed: str, label: str, keyboard: bool = True) -> None:
    """Type into the symptom box and choose the option showing `label`."""
    page.locator("#add").fill(typed)
    option = page.locator("#add-list [role=option]", has_text=label).first
    option.wait_for()
    if keyboard:
        while page.locator('#add-list [aria-selected="true"]', has_text=label).count() == 0:
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
    else:
        option.click()


def diagnose_request(page, action) -> dict:
    """Run action() and return the JSON body of the /api/v1/diagnose request it sends."""
    with page.expect_request(lambda r: r.url.endswith("/api/v1/diagnose") and r.method == "POST") as sent:
        action()
    return sent.value.post_data_json


def used_ids(page) -> list[str]:
    """The findings the shown differential used (from its "Findings used" list)."""
    return page.eval_on_selector_all(
        "#results-body details.used > ul > li[data-id]", "items => items.map((li) => li.dataset.id)"
    )


def wait_results(page, findings: int | None = None) -> None:
    """Wait for a differential (and, if given, for one that used that many findings)."""
    page.locator("#results-body .ranking li.disease").first.wait_for()
    if findings is not None:
        page.wait_for_function(
            "n => document.querySelectorAll('#results-body details.used > ul > li[data-id]').length === n",
            arg=findings,
        )


def small_targets(page, least: int) -> list[str]:
    """Visible targets smaller than least x least CSS pixels."""
    return page.evaluate(SMALL_TARGETS, [TARGETS, least])


def as_scripted_page(open_page, page, screen: dict):
    """A JavaScript-enabled copy of a page rendered without JavaScript (same URL, same HTML, app.js left
    empty), for the checks that need scripts of their own: axe-core waits on timers, which a page with
    JavaScript disabled never fires."""
    copy = open_page(**screen)
    html, url = page.content(), page.url
    copy.route("**/static/app.js*", lambda route: route.fulfill(body="", content_type="text/javascript"))
    copy.route(url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    copy.goto(url)
    return copy
