/* Scanning batch: drag a page onto another page (it goes before it) or onto a document's
   heading (it goes to the end of that document). Without scripts the buttons do the same. */
(function () {
  "use strict";
  var root = document.getElementById("lo-quet");
  if (!root) {
    return;
  }
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  var dragged = null;

  function send(fields) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = root.getAttribute("data-move-url");
    fields.csrfmiddlewaretoken = csrf ? csrf.value : "";
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  root.addEventListener("dragstart", function (event) {
    var page = event.target.closest("[data-page]");
    if (page) {
      dragged = page.getAttribute("data-page");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged);
    }
  });
  root.addEventListener("dragover", function (event) {
    if (dragged && event.target.closest("[data-page], [data-document]")) {
      event.preventDefault();
    }
  });
  root.addEventListener("drop", function (event) {
    if (!dragged) {
      return;
    }
    event.preventDefault();
    var page = event.target.closest("[data-page]");
    if (page) {
      if (page.getAttribute("data-page") !== dragged) {
        send({ trang: dragged, truoc: page.getAttribute("data-page") });
      }
      return;
    }
    var documentBox = event.target.closest("[data-document]");
    if (documentBox) {
      send({ trang: dragged, van_ban: documentBox.getAttribute("data-document") });
    }
  });
})();
