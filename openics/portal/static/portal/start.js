// Starts NHS.UK's components (header menu, details, character counts…). The address of
// NHS.UK's script is read from this script tag's data-frontend attribute, since a static
// file cannot know the hashed name collectstatic gives it.
const tag = document.querySelector("script[data-frontend]");
if (tag) {
  const { initAll } = await import(tag.dataset.frontend);
  initAll();
}
