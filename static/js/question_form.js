/* VALUMA Space: the question form shows the fields that apply.
 *
 * Without JavaScript every kind's fields stand in the form, each saying which kind it is for;
 * the server reads only the chosen kind's. Here the others are hidden as the kind changes, and
 * the question's own dates while it follows the comment period.
 */
(function () {
  "use strict";

  // The own opening and closing dates matter only when the question does not follow the
  // comment period.
  var period = document.querySelector("input[name='with_comment_period']");
  var dates = document.querySelector("[data-own-dates]");
  if (period && dates) {
    var showDates = function () {
      dates.hidden = period.checked;
    };
    period.addEventListener("change", showDates);
    showDates();
  }

  var select = document.querySelector("select[data-question-kind]");
  if (!select) {
    return;
  }
  var groups = document.querySelectorAll(".kind-fields[data-kinds]");

  function show() {
    var kind = select.value;
    groups.forEach(function (group) {
      group.hidden = group.getAttribute("data-kinds").split(" ").indexOf(kind) === -1;
    });
  }

  select.addEventListener("change", show);
  show();
})();
