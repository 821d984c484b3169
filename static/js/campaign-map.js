/* The map of rectification items (campaigns/map.py): the points by status over the grid outlines, from the
   GeoJSON at #item-map's data-url. Tiles only when data-tile-url is set; without them the points and the
   grid rectangles are drawn on an empty map fitted to them. The list below the map is the page's own (it
   works without this script); here each entry gets a "Show on the map" button that opens its popup.
   No inline script and no style attribute (CSP): popups are built as DOM nodes, colours are SVG attributes. */
(function () {
  "use strict";
  var el = document.getElementById("item-map");
  if (!el || typeof L === "undefined") return;
  var status = document.getElementById("map-status");

  function say(text) {
    if (status && text) status.textContent = text;
  }

  function colours() {
    var map = {};
    document.querySelectorAll("#map-legend [data-status]").forEach(function (li) {
      map[li.getAttribute("data-status")] = li.getAttribute("data-colour");
    });
    return map;
  }

  function popup(props, openLabel) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = props.party || props.kind_label;
    box.appendChild(title);
    var line = document.createElement("div");
    line.textContent = props.status_label + " · " + props.kind_label;
    box.appendChild(line);
    var place = document.createElement("div");
    place.textContent = props.address;
    box.appendChild(place);
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = openLabel;
    box.appendChild(link);
    return box;
  }

  el.style.height = "min(65vh, 34rem)";
  var tileUrl = el.getAttribute("data-tile-url");
  var map = L.map(el, { attributionControl: !!tileUrl, zoomSnap: 0.25 });
  if (tileUrl) {
    var options = { maxZoom: 19 };
    var attribution = el.getAttribute("data-tile-attribution");
    if (attribution) options.attribution = attribution;
    L.tileLayer(tileUrl, options).addTo(map);
    if (map.attributionControl) map.attributionControl.setPrefix(false);
  }
  var markers = {};

  function draw(data) {
    var palette = colours();
    var bounds = L.latLngBounds([]);
    (data.grids && data.grids.features ? data.grids.features : []).forEach(function (grid) {
      var b = grid.bbox; // [west, south, east, north]
      var rect = L.rectangle(
        [
          [b[1], b[0]],
          [b[3], b[2]],
        ],
        { color: "#6c757d", weight: 1.5, dashArray: "4 3", fill: false, interactive: true }
      );
      rect.bindTooltip(grid.properties.code + " " + grid.properties.name);
      rect.addTo(map);
      bounds.extend(rect.getBounds());
    });
    var openLabel = el.getAttribute("data-open-label");
    data.features.forEach(function (feature) {
      var c = feature.geometry.coordinates;
      var props = feature.properties;
      var colour = palette[props.status] || "#6c757d";
      var marker = L.circleMarker([c[1], c[0]], {
        radius: 7,
        color: "#ffffff",
        weight: 1.5,
        fillColor: colour,
        fillOpacity: 0.9,
      });
      marker.bindPopup(popup(props, openLabel));
      marker.addTo(map);
      markers[props.id] = marker;
      bounds.extend(marker.getLatLng());
    });
    if (!bounds.isValid()) {
      el.classList.add("d-none");
      say(el.getAttribute("data-empty-label"));
      return;
    }
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 });
    document.querySelectorAll("#map-list .map-show").forEach(function (button) {
      var marker = markers[button.getAttribute("data-id")];
      if (!marker) return;
      button.classList.remove("d-none");
      button.addEventListener("click", function () {
        el.scrollIntoView({ block: "nearest" });
        map.setView(marker.getLatLng(), Math.max(map.getZoom(), 16));
        marker.openPopup();
      });
    });
    el.setAttribute("data-ready", "true");
  }

  fetch(el.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(draw)
    .catch(function () {
      say(el.getAttribute("data-error-label"));
    });
})();
