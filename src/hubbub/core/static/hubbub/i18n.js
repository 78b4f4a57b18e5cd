// Interface wording for the page's scripts, in the language of the page (<html lang>).
// Scripts import gettext/ngettext/interpolate from here; the Welsh (or any non-English) catalogue
// is fetched once before they run, and anything missing from it stays in English.

const language = (document.documentElement.lang || "en-GB").toLowerCase();
let catalogue = {};

// The plural forms of each language, as in its .po files (Django's rule for Welsh).
const PLURALS = {
  cy: (n) => (n === 1 ? 0 : n === 2 ? 1 : n !== 8 && n !== 11 ? 2 : 3),
};
const pluralIndex = PLURALS[language.split("-")[0]] || ((n) => (n === 1 ? 0 : 1));

if (!language.startsWith("en")) {
  try {
    const response = await fetch(`/i18n/catalogue/${encodeURIComponent(language)}.json`, {
      credentials: "omit",
    });
    if (response.ok) catalogue = (await response.json()).catalog || {};
  } catch {
    catalogue = {};
  }
}

export function gettext(text) {
  const found = catalogue[text];
  if (typeof found === "string" && found) return found;
  if (Array.isArray(found) && found[0]) return found[0];
  return text;
}

export function ngettext(singular, plural, count) {
  const found = catalogue[singular];
  if (Array.isArray(found) && found[pluralIndex(count)]) return found[pluralIndex(count)];
  return count === 1 ? singular : plural;
}

// Fill %(name)s placeholders from an object, as the server-side strings do.
export function interpolate(text, values) {
  return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
