/* Tandem learning video player: resume, chapters, keyboard shortcuts and honest progress.
   Progress is the browser's own record of what was played (video.played), so skipping to
   the end does not count as watching. Self-hosted, no dependencies. */
(function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40; bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function playedIntervals(video) {
    var ranges = [];
    for (var i = 0; i < video.played.length; i++) {
      // Rounded outwards to hundredths; a range that is still empty (the new position right
      // after a seek) is left out.
      var start = Math.floor(video.played.start(i) * 100) / 100;
      var end = Math.ceil(video.played.end(i) * 100) / 100;
      if (end > start) { ranges.push([start, end]); }
    }
    return ranges;
  }

  /* The lesson was completed by watching: say so where the page says what is missing, tick the
     lesson in the outline and, when that finished the course, offer the way to the certificate,
     without a reload. */
  function showLessonCompleted(courseCompleted) {
    var section = document.querySelector("[data-lesson-done]");
    if (section) {
      var pending = section.querySelector("[data-lesson-pending]");
      var done = section.querySelector("[data-lesson-completed]");
      if (pending && done) { pending.hidden = true; done.hidden = false; }
      var course = section.querySelector("[data-course-completed]");
      if (course && courseCompleted) { course.hidden = false; }
    }
    var lessonId = document.querySelector("video[data-lesson-id]");
    lessonId = lessonId ? lessonId.dataset.lessonId : null;
    var item = lessonId ? document.querySelector(".lesson-outline li[data-lesson-id='" + lessonId + "']") : null;
    if (item && !item.classList.contains("is-done")) { item.classList.add("is-done"); }
    document.dispatchEvent(new CustomEvent("tandem:lesson-completed", { detail: { courseCompleted: !!courseCompleted } }));
  }

  function setUp(video) {
    var figure = video.closest(".video-player");
    var status = figure ? figure.querySelector("[data-status]") : null;
    var url = video.dataset.progressUrl;
    var visit = uuid4();
    var lastSent = "";
    var timer = null;

    var resumeAt = parseFloat(video.dataset.position || "0");
    video.addEventListener("loadedmetadata", function () {
      if (resumeAt > 1 && resumeAt < video.duration - 5) { video.currentTime = resumeAt; }
    }, { once: true });

    function report(useBeacon) {
      if (!url) { return; }
      var payload = JSON.stringify({
        visit: visit, intervals: playedIntervals(video), position: video.currentTime || 0,
        lesson: video.dataset.lessonId ? parseInt(video.dataset.lessonId, 10) : null
      });
      if (payload === lastSent) { return; }
      lastSent = payload;
      fetch(url, {
        method: "POST", credentials: "same-origin", keepalive: !!useBeacon,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
        body: payload
      }).then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || !status) { return; }
          status.textContent = data.completed ? status.dataset.watchedLabel
            : data.watched_percent + " % " + status.dataset.percentLabel;
          if (data.lesson_completed) { showLessonCompleted(data.course_completed); }
        }).catch(function () { /* offline: the next report carries the same intervals */ });
    }

    video.addEventListener("play", function () {
      report(false);
      if (!timer) { timer = setInterval(function () { report(false); }, 15000); }
    });
    video.addEventListener("pause", function () { clearInterval(timer); timer = null; report(false); });
    video.addEventListener("ended", function () { clearInterval(timer); timer = null; report(false); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { report(true); }
    });

    if (figure) {
      figure.querySelectorAll("[data-seek]").forEach(function (button) {
        button.addEventListener("click", function () {
          video.currentTime = parseFloat(button.dataset.seek);
          video.focus();
          video.play();
        });
      });
    }

    video.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      switch (event.key) {
        case "k": case " ": video.paused ? video.play() : video.pause(); break;
        case "ArrowLeft": video.currentTime = Math.max(0, video.currentTime - 5); break;
        case "ArrowRight": video.currentTime = Math.min(video.duration, video.currentTime + 5); break;
        case "j": video.currentTime = Math.max(0, video.currentTime - 10); break;
        case "l": video.currentTime = Math.min(video.duration, video.currentTime + 10); break;
        case "m": video.muted = !video.muted; break;
        case "c":
          for (var i = 0; i < video.textTracks.length; i++) {
            var track = video.textTracks[i];
            if (track.kind === "captions" || track.kind === "subtitles") {
              track.mode = track.mode === "showing" ? "hidden" : "showing";
              break;
            }
          }
          break;
        default: return;
      }
      event.preventDefault();
    });
  }

  document.querySelectorAll("video[data-video-id]").forEach(setUp);
})();
