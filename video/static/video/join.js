// Loads the organisation's own Jitsi server's external_api.js only after the click on "Enter room",
// and opens the room with privacy settings: prejoin, no third-party requests, no recording,
// streaming or invitations, end-to-end encryption offered where both browsers support it.
(function () {
  "use strict";
  var box = document.getElementById("jitsi-room");
  var button = document.getElementById("jitsi-enter");
  var error = document.getElementById("jitsi-error");
  if (!box || !button) { return; }

  function fail() {
    error.textContent = box.dataset.unreachable;
    error.hidden = false;
    button.disabled = false;
  }

  function open() {
    var api = new window.JitsiMeetExternalAPI(box.dataset.domain, {
      roomName: box.dataset.room,
      jwt: box.dataset.jwt,
      parentNode: box,
      lang: box.dataset.lang,
      width: "100%",
      height: 600,
      userInfo: { displayName: box.dataset.name },
      configOverwrite: {
        prejoinConfig: { enabled: true },
        disableThirdPartyRequests: true,
        disableInviteFunctions: true,
        fileRecordingsEnabled: false,
        liveStreamingEnabled: false,
        localRecording: { disable: true },
        transcription: { enabled: false },
        hideRecordingLabel: false,
        enableInsecureRoomNameWarning: false,
        doNotStoreRoom: true,
        disableDeepLinking: true,
        analytics: { disabled: true },
        e2ee: { externallyManagedKey: false },
        toolbarButtons: ["microphone", "camera", "desktop", "chat", "raisehand", "tileview",
                         "settings", "fullscreen", "hangup", "e2ee", "noisesuppression"]
      },
      interfaceConfigOverwrite: { SHOW_JITSI_WATERMARK: false, SHOW_BRAND_WATERMARK: false,
                                  SHOW_POWERED_BY: false, SHOW_PROMOTIONAL_CLOSE_PAGE: false }
    });
    var frame = api.getIFrame ? api.getIFrame() : box.querySelector("iframe");
    if (frame) { frame.setAttribute("title", box.dataset.title); }
    if (api.addListener) {
      api.addListener("videoConferenceJoined", function () {
        if (api.isE2EESupported) {
          api.isE2EESupported().then(function (supported) {
            if (supported) { api.executeCommand("toggleE2EE", true); }
          });
        }
      });
    }
    button.parentNode.hidden = true;
    // for parts of the page that work with the room (e.g. a workshop's console)
    document.dispatchEvent(new CustomEvent("video:api", { detail: api }));
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    if (window.JitsiMeetExternalAPI) { open(); return; }
    var script = document.createElement("script");
    script.src = box.dataset.api;
    script.onload = function () { try { open(); } catch (e) { fail(); } };
    script.onerror = fail;
    document.head.appendChild(script);
  });
})();
