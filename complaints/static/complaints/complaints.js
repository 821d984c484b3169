/* Complaint forms: category search, the device's location, an optional tile map, duplicate suggestions at
   intake, the dispatch form's handlers of the chosen unit, and the patrol form's on-the-spot fields. Every
   form works without this script. */
(function () {
  "use strict";

  // --- category picker: type to filter the <select>'s options ---------------------------------------
  document.querySelectorAll(".category-search").forEach(function (input) {
    var select = document.getElementById(input.dataset.target);
    if (!select) return;
    input.classList.remove("d-none");
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var matches = [];
      select.querySelectorAll("optgroup").forEach(function (group) {
        var groupMatches = group.label.toLowerCase().indexOf(query) !== -1;
        var any = false;
        group.querySelectorAll("option").forEach(function (option) {
          var show = !query || groupMatches || option.text.toLowerCase().indexOf(query) !== -1;
          option.hidden = !show;
          option.disabled = !show;
          if (show) { any = true; matches.push(option); }
        });
        group.hidden = !any;
      });
      if (query && matches.length === 1) {
        matches[0].selected = true;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });

  // --- location: the device's position and an optional slippy map -----------------------------------
  document.querySelectorAll(".location-fields").forEach(function (fieldset) {
    var lat = fieldset.querySelector('input[name="lat"]');
    var lng = fieldset.querySelector('input[name="lng"]');
    var status = fieldset.querySelector(".location-status");
    var button = fieldset.querySelector(".use-my-location");
    var map = fieldset.querySelector(".tile-map");

    function setPoint(la, ln) {
      lat.value = la.toFixed(6);
      lng.value = ln.toFixed(6);
      lat.dispatchEvent(new Event("change", { bubbles: true }));
      if (map) drawMap();
    }

    if (button && navigator.geolocation) {
      button.classList.remove("d-none");
      button.addEventListener("click", function () {
        status.textContent = "…";
        navigator.geolocation.getCurrentPosition(function (pos) {
          status.textContent = "";
          setPoint(pos.coords.latitude, pos.coords.longitude);
        }, function (err) {
          status.textContent = err.message;
        }, { enableHighAccuracy: true, timeout: 10000 });
      });
    }

    if (!map) return;
    var template = fieldset.dataset.tileUrl;
    var ZOOM = 16;
    var TILE = 256;
    var fallback = { lat: 23.02, lng: 113.12 };

    function project(la, ln, z) {
      var scale = TILE * Math.pow(2, z);
      var s = Math.sin(la * Math.PI / 180);
      return { x: (ln + 180) / 360 * scale, y: (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale };
    }
    function unproject(x, y, z) {
      var scale = TILE * Math.pow(2, z);
      var ln = x / scale * 360 - 180;
      var n = Math.PI - 2 * Math.PI * y / scale;
      return { lat: 180 / Math.PI * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n))), lng: ln };
    }
    function center() {
      var la = parseFloat(lat.value), ln = parseFloat(lng.value);
      return isNaN(la) || isNaN(ln) ? fallback : { lat: la, lng: ln };
    }
    function drawMap() {
      var c = center();
      var width = map.clientWidth || 300, height = map.clientHeight || 240;
      var p = project(c.lat, c.lng, ZOOM);
      var left = p.x - width / 2, top = p.y - height / 2;
      map.innerHTML = "";
      map.dataset.left = left;
      map.dataset.top = top;
      for (var tx = Math.floor(left / TILE); tx <= Math.floor((left + width) / TILE); tx++) {
        for (var ty = Math.floor(top / TILE); ty <= Math.floor((top + height) / TILE); ty++) {
          var img = document.createElement("img");
          img.alt = "";
          img.src = template.replace("{z}", ZOOM).replace("{x}", tx).replace("{y}", ty).replace("{s}", "a");
          img.style.cssText = "position:absolute;width:256px;height:256px;left:" + (tx * TILE - left) + "px;top:" + (ty * TILE - top) + "px";
          img.onerror = function () { this.remove(); };
          map.appendChild(img);
        }
      }
      if (lat.value && lng.value) {
        var marker = document.createElement("span");
        marker.className = "tile-map-marker";
        marker.style.cssText = "position:absolute;left:" + (width / 2 - 8) + "px;top:" + (height / 2 - 8) + "px;width:16px;height:16px;border-radius:50%;background:#dc3545;border:2px solid #fff";
        map.appendChild(marker);
      }
    }
    map.style.cssText = "position:relative;overflow:hidden;height:240px;cursor:crosshair;background:#e9ecef";
    map.addEventListener("click", function (event) {
      var rect = map.getBoundingClientRect();
      var point = unproject(parseFloat(map.dataset.left) + event.clientX - rect.left,
                            parseFloat(map.dataset.top) + event.clientY - rect.top, ZOOM);
      setPoint(point.lat, point.lng);
    });
    lat.addEventListener("change", drawMap);
    lng.addEventListener("change", drawMap);
    drawMap();
  });

  // --- intake: possible duplicates as the complaint is typed in ---------------------------------------
  var intake = document.getElementById("intake-form");
  if (intake && window.fetch) {
    var box = document.getElementById("duplicate-suggestions");
    var list = box.querySelector("ul");
    var timer = null;
    function lookUp() {
      var params = new URLSearchParams();
      var category = intake.querySelector('[name="category"]').value;
      var la = intake.querySelector('[name="lat"]').value, ln = intake.querySelector('[name="lng"]').value;
      var address = intake.querySelector('[name="address"]').value;
      if (!category || (!(la && ln) && !address)) { box.classList.add("d-none"); return; }
      params.set("category", category);
      if (la && ln) { params.set("lat", la); params.set("lng", ln); } else { params.set("address", address); }
      fetch(intake.dataset.duplicatesUrl + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (rows) {
          list.innerHTML = "";
          rows.forEach(function (row) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = "/complaints/" + row.id + "/";
            a.target = "_blank";
            a.textContent = row.number;
            li.appendChild(a);
            li.appendChild(document.createTextNode(" " + row.title + " · " + row.address +
              (row.distance_m !== null ? " · " + Math.round(row.distance_m) + " m" : "")));
            list.appendChild(li);
          });
          box.classList.toggle("d-none", rows.length === 0);
        })
        .catch(function () { box.classList.add("d-none"); });
    }
    intake.addEventListener("change", function (event) {
      if (["category", "lat", "lng", "address"].indexOf(event.target.name) === -1) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, 300);
    });
  }

  // --- intake: the 12345 ticket number only for the 12345 channel (the server refuses it for others) -------
  document.querySelectorAll("[data-shown-for]").forEach(function (box) {
    var channel = box.closest("form").querySelector('[name="channel"]');
    if (!channel) return;
    var sync = function () {
      box.hidden = channel.value !== box.dataset.shownFor;
      box.querySelectorAll("input").forEach(function (input) { input.disabled = box.hidden; });
    };
    channel.addEventListener("change", sync);
    sync();
  });

  // --- dispatch: the handler list offers only the officers of the unit chosen ---------------------------
  document.querySelectorAll("select[data-follows-unit]").forEach(function (handler) {
    var unit = handler.form && handler.form.querySelector("select[data-unit-select]");
    if (!unit) return;
    var sync = function () {
      var chosen = unit.options[unit.selectedIndex];
      var path = chosen && chosen.dataset.path;
      Array.prototype.forEach.call(handler.options, function (option) {
        if (!option.value) return;
        var show = !path || (option.dataset.path || "").indexOf(path) === 0;
        option.hidden = !show;
        option.disabled = !show;
        if (!show && option.selected) handler.value = "";
      });
    };
    unit.addEventListener("change", sync);
    sync();
  });

  // --- patrol: the on-the-spot fields only when ticked, and then marked as required -------------------
  // (the server checks them too; a file input with a kept photo is already filled)
  var patrol = document.getElementById("patrol-form");
  if (patrol) {
    var tick = patrol.querySelector('[name="fixed_on_the_spot"]');
    var extra = patrol.querySelector(".on-the-spot-fields");
    var dependents = patrol.querySelectorAll('[data-required-when="fixed_on_the_spot"]');
    var marks = [];
    dependents.forEach(function (input) {
      var label = patrol.querySelector('label[for="' + input.id + '"]');
      var mark = document.createElement("span");
      mark.className = "text-danger required-mark";
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = " *";
      if (label) label.appendChild(mark);
      marks.push(mark);
    });
    var sync = function () {
      extra.hidden = !tick.checked;
      dependents.forEach(function (input, i) {
        var needed = tick.checked && input.dataset.kept !== "true";
        input.required = needed;
        input.setAttribute("aria-required", needed ? "true" : "false");
        marks[i].hidden = !needed;
      });
    };
    tick.addEventListener("change", sync);
    // Removing the last kept after-photo makes the file input required again.
    patrol.querySelectorAll('.kept-uploads input[name="remove_upload"]').forEach(function (box) {
      box.addEventListener("change", function () {
        var list = box.closest(".kept-uploads");
        var input = patrol.querySelector('input[type="file"][name="' + list.dataset.keptFor + '"]');
        if (!input) return;
        input.dataset.kept = list.querySelector('input[name="remove_upload"]:not(:checked)') ? "true" : "false";
        sync();
      });
    });
    sync();
  }
})();
