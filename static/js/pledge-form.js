// Suggest the portal address from the organisation's name as it is typed,
// until the person edits the address themselves.
(function () {
  const name = document.getElementById("id_name");
  const slug = document.getElementById("id_slug");
  if (!name || !slug) return;

  let edited = slug.value !== "";
  slug.addEventListener("input", () => { edited = slug.value !== ""; });
  name.addEventListener("input", () => {
    if (edited) return;
    slug.value = name.value
      .toLowerCase()
      .normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/&/g, " and ")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40)
      .replace(/-+$/, "");
  });
})();
