// A live session's workshop in the video room (courses/live/workshop_panel.html).
// Everyone: reports the browser's video endpoint when it joins (so the host's browser can move
// the right people) and polls the round's state: the round, one's own table and a timer.
// Hosts: the console starts a round (the server seats people by the World Café rotation; this
// browser creates the breakout rooms and moves everyone through the Jitsi IFrame API) and brings
// everyone back. No third-party requests: the API object comes from video/join.js.
(function () {
  "use strict";
  var box = document.getElementById("workshop");
  if (!box) { return; }
  var data = box.dataset;
  var host = data.host === "true";
  var statusBox = document.getElementById("workshop-status");
  var tableBox = document.getElementById("workshop-table");
  var timerBox = document.getElementById("workshop-timer");
  var announceBox = document.getElementById("workshop-announce");
  var startButton = document.getElementById("workshop-start");
  var backButton = document.getElementById("workshop-back");
  var errorBox = document.getElementById("workshop-console-error");
  var api = null;
  var state = null;
  var deadline = null;
  var lastMinutes = null;
  var rooms = {};       // breakout room name -> id (from breakoutRoomsUpdated)
  var mainRoom = null;  // the main room's id
  var myEndpoint = null;
  var busy = false;
  var POLL_MS = 2000;

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, name) {
      return values[name] === undefined ? all : String(values[name]);
    });
  }

  function request(url, body) {
    var options = { credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRFToken"] = data.csrf;
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) { throw json; }
        return json;
      });
    });
  }

  function roomName(table) {
    return (table.position + 1) + ". " + table.topic;
  }

  function showError(error) {
    if (!errorBox) { return; }
    errorBox.textContent = (error && error.message) || data.textFailed;
    errorBox.hidden = false;
  }

  function announce(text) {
    statusBox.textContent = text;
  }

  function tick() {
    if (!deadline) { timerBox.textContent = "–"; return; }
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    timerBox.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    var wholeMinutes = Math.ceil(left / 60);
    if (left === 0 && lastMinutes !== 0) {
      announceBox.textContent = data.textOver;
      lastMinutes = 0;
    } else if (wholeMinutes !== lastMinutes && left > 0 && (wholeMinutes <= 1 || wholeMinutes % 5 === 0)) {
      announceBox.textContent = format(data.textMinutes, { minutes: wholeMinutes });
      lastMinutes = wholeMinutes;
    }
  }

  function render(next) {
    var before = state;
    state = next;
    if (!next.workshop) { return; }
    if (next.round > 0) {
      deadline = Date.now() + next.seconds_left * 1000;
      if (!before || before.round !== next.round) {
        announce(format(data.textRound, { round: next.round, rounds: next.rounds }));
        lastMinutes = null;
      }
      tableBox.textContent = next.my_table ? format(data.textTable, { topic: next.my_table }) : data.textNoTable;
    } else {
      deadline = null;
      if (before && before.round > 0) { announce(data.textBack); }
      else if (!before) { announce(data.textMain); }
      tableBox.textContent = "";
    }
    tick();
    if (host && startButton && !busy) {
      var following = next.round > 0 ? next.round + 1 : next.rounds_done + 1;
      startButton.textContent = following <= next.rounds ? format(data.textStart, { round: following }) : data.textAllDone;
      startButton.disabled = following > next.rounds;
      startButton.dataset.round = String(following);
      backButton.disabled = next.round === 0;
    }
  }

  function poll() {
    request(data.stateUrl).then(render, function () {}).then(function () {
      window.setTimeout(poll, POLL_MS);
    });
  }

  function waitForRooms(names, timeoutMs) {
    return new Promise(function (resolve, reject) {
      var waited = 0;
      (function check() {
        if (names.every(function (name) { return rooms[name]; })) { resolve(); return; }
        if (waited >= timeoutMs) { reject({ message: data.textFailed }); return; }
        waited += 200;
        window.setTimeout(check, 200);
      }());
    });
  }

  function move(moves, tables) {
    var byPosition = {};
    tables.forEach(function (table) { byPosition[table.position] = rooms[roomName(table)]; });
    var count = 0;
    moves.forEach(function (entry) {
      var target = byPosition[entry.table];
      if (!target) { return; }
      if (entry.endpoint === myEndpoint) {
        api.executeCommand("joinBreakoutRoom", target);
      } else {
        api.executeCommand("sendParticipantToRoom", entry.endpoint, target);
      }
      count += 1;
    });
    return count;
  }

  function startRound() {
    if (!api) { showError({ message: data.textNoApi }); return; }
    var number = parseInt(startButton.dataset.round || "1", 10);
    busy = true;
    startButton.disabled = true;
    errorBox.hidden = true;
    announce(data.textMoving);
    var tables = state.tables;
    var names = tables.map(roomName);
    names.forEach(function (name) {
      if (!rooms[name]) { api.executeCommand("addBreakoutRoom", name); }
    });
    waitForRooms(names, 15000).then(function () {
      var ids = {};
      tables.forEach(function (table) { ids[table.position] = rooms[roomName(table)]; });
      return request(data.roundUrl, { round: number, breakout_rooms: ids });
    }).then(function (next) {
      var count = move(next.moves, next.tables);
      busy = false;
      render(next);
      announce(format(data.textMoved, { round: number, count: count }));
    }).catch(function (error) {
      busy = false;
      showError(error);
      if (state) { render(state); }
    });
  }

  function bringBack() {
    if (!api) { showError({ message: data.textNoApi }); return; }
    busy = true;
    backButton.disabled = true;
    errorBox.hidden = true;
    var last = state && state.round >= state.rounds;
    request(data.backUrl, {}).then(function (next) {
      if (last || !mainRoom) {
        Object.keys(rooms).forEach(function (name) { api.executeCommand("closeBreakoutRoom", rooms[name]); });
      } else {
        (state.moves || []).forEach(function (entry) {
          if (entry.endpoint === myEndpoint) { api.executeCommand("joinBreakoutRoom", mainRoom); }
          else { api.executeCommand("sendParticipantToRoom", entry.endpoint, mainRoom); }
        });
      }
      busy = false;
      render(next);
    }).catch(function (error) {
      busy = false;
      showError(error);
      if (state) { render(state); }
    });
  }

  document.addEventListener("video:api", function (event) {
    api = event.detail;
    if (!api || !api.addListener) { return; }
    api.addListener("videoConferenceJoined", function (payload) {
      if (payload && payload.id) {
        myEndpoint = String(payload.id);
        request(data.endpointUrl, { endpoint: myEndpoint }).catch(function () {});
      }
    });
    api.addListener("breakoutRoomsUpdated", function (payload) {
      var found = {};
      Object.keys((payload && payload.rooms) || {}).forEach(function (key) {
        var room = payload.rooms[key];
        if (room.isMainRoom) { mainRoom = room.id; } else { found[room.name] = room.id; }
      });
      rooms = found;
    });
  });

  if (host && startButton) {
    startButton.addEventListener("click", startRound);
    backButton.addEventListener("click", bringBack);
  }
  window.setInterval(tick, 1000);
  poll();
}());
