// hmic serve: choose a canned query's report_id by the report's title.
// Loaded on every page (pipeline/metadata.yml, extra_js_urls); acts only on a
// form with a report_id input, which it turns into a list of titles.
document.addEventListener("DOMContentLoaded", async () => {
  const input = document.querySelector("form input[name=report_id]");
  if (!input) return;
  const trackersOnly = location.pathname.endsWith("/tracker_statuses");
  const url = "/register/reports.json?_shape=array&_size=max&_sort_desc=published"
    + (trackersOnly ? "&kind=tracker" : "");
  const reports = await (await fetch(url)).json();
  const select = document.createElement("select");
  select.name = "report_id";
  select.id = input.id;
  select.className = "report-picker";
  const none = new Option(trackersOnly ? "(every tracker)" : "(choose a report)", "");
  select.add(none);
  for (const report of reports) {
    const label = `${report.title} (${report.published || "undated"})`;
    select.add(new Option(label, report.id, false, report.id === input.value));
  }
  input.replaceWith(select);
});
