/* Case forms: the party search of the register, the new party's fields for its type, the legal basis filled in
   from the category, the fine and the cash fields shown when they apply. Every form works without this script
   (the category picker's filter and the device's location come from complaints/complaints.js). */
(function () {
  "use strict";

  // --- party: search the register, pick one, or enter a new party ----------------------------------------
  document.querySelectorAll(".party-fields").forEach(function (box) {
    var hidden = box.querySelector('input[name="party"]');
    var search = box.querySelector(".party-search");
    var input = box.querySelector("#party-search-input");
    var results = box.querySelector(".party-results");
    var noMatch = box.querySelector(".party-no-match");
    var chosen = box.querySelector(".party-chosen");
    var chosenLabel = box.querySelector(".party-chosen-label");
    var clear = box.querySelector(".party-clear");
    var fresh = box.querySelector(".party-new");
    var url = box.dataset.lookupUrl;
    var timer = null;
    if (!url || !window.fetch) return;
    search.classList.remove("d-none");
    clear.classList.remove("d-none");

    function pick(row) {
      hidden.value = row ? row.id : "";
      chosen.classList.toggle("d-none", !row);
      fresh.classList.toggle("d-none", !!row);
      search.classList.toggle("d-none", !!row);
      if (row) chosenLabel.textContent = row.name + " · " + row.party_type_label + " · " + row.identifier;
      results.innerHTML = "";
    }
    if (hidden.value) search.classList.add("d-none");

    function lookUp() {
      var term = input.value.trim();
      results.innerHTML = "";
      noMatch.classList.add("d-none");
      if (term.length < 2) return;
      fetch(url + "?q=" + encodeURIComponent(term), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          results.innerHTML = "";
          data.results.forEach(function (row) {
            var item = document.createElement("button");
            item.type = "button";
            item.className = "list-group-item list-group-item-action party-result";
            item.dataset.id = row.id;
            var name = document.createElement("span");
            name.className = "fw-semibold";
            name.textContent = row.name;
            item.appendChild(name);
            item.appendChild(document.createTextNode(" · " + row.party_type_label + " · " + row.identifier +
              (row.address ? " · " + row.address : "")));
            item.addEventListener("click", function () { pick(row); });
            results.appendChild(item);
          });
          noMatch.classList.toggle("d-none", data.results.length > 0);
        })
        .catch(function () { results.innerHTML = ""; });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); lookUp(); }  // not the case form's submit
    });
    clear.addEventListener("click", function () { pick(null); input.focus(); });

    // A new party's identity fields: an individual's ID number, an organisation's credit code.
    var type = box.querySelector('select[name="party_type"]');
    if (type) {
      var sync = function () {
        var organisation = type.value === "organisation";
        box.querySelectorAll(".party-individual").forEach(function (el) { el.hidden = organisation; });
        box.querySelectorAll(".party-organisation").forEach(function (el) { el.hidden = !organisation; });
      };
      type.addEventListener("change", sync);
      sync();
    }
  });

  // --- the legal basis from the chosen category (only where the officer has not written their own) ------------
  document.querySelectorAll(".case-form").forEach(function (form) {
    var category = form.querySelector('select[name="category"]');
    if (!category) return;
    var fields = {
      legal_basis: form.querySelector('[data-prefill="legal_basis"]'),
      penalty_basis: form.querySelector('[data-prefill="penalty_basis"]')
    };
    var filled = { legal_basis: fields.legal_basis && fields.legal_basis.value, penalty_basis: fields.penalty_basis && fields.penalty_basis.value };
    category.addEventListener("change", function () {
      var option = category.options[category.selectedIndex];
      if (!option) return;
      [["legal_basis", option.dataset.legalBasis], ["penalty_basis", option.dataset.penaltyBasis]].forEach(function (pair) {
        var field = fields[pair[0]];
        if (!field) return;
        if (!field.value.trim() || field.value === filled[pair[0]]) {
          field.value = pair[1] || "";
          filled[pair[0]] = field.value;
        }
      });
    });
    if (fields.legal_basis && !fields.legal_basis.value && category.value) {
      category.dispatchEvent(new Event("change"));
    }
  });

  // --- on the spot: the amount only with a fine, the receipt only when paid in cash ------------------------------
  var spot = document.getElementById("on-the-spot-form");
  if (spot) {
    var fineBox = spot.querySelector('input[name="penalty_kinds"][value="fine"]');
    var fine = spot.querySelector(".field-fine");
    var cash = spot.querySelector('[name="paid_on_spot"]');
    var cashFields = spot.querySelector(".cash-fields");
    var paidField = spot.querySelector(".field-paid_on_spot");
    var receipt = spot.querySelector('[name="receipt_no"]');
    var sync = function () {
      var fined = fineBox && fineBox.checked;
      if (fine) fine.hidden = !fined;
      if (paidField) paidField.hidden = !fined;
      cashFields.hidden = !(fined && cash.checked);
      receipt.required = fined && cash.checked;
    };
    spot.addEventListener("change", sync);
    sync();
  }
})();
