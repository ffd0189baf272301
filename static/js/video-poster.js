// A chosen video clip: draw its first frame on a canvas and put it, as a JPEG, in the form's
// poster input (data-video-input names it), so the upload carries its own poster. The clip's
// length and size are checked here too, beside the field; the server checks them again.
(function () {
  function say(input, text) {
    input.setCustomValidity(text);
    let note = input.parentElement.querySelector(".video-check");
    if (!note) {
      note = document.createElement("p");
      note.className = "video-check";
      note.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = text;
    note.hidden = !text;
    if (text) input.reportValidity();
  }

  function clearPoster(poster) {
    if (poster) poster.value = "";
  }

  function drawPoster(input, file, poster) {
    const url = URL.createObjectURL(file);
    const video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    video.preload = "auto";
    video.src = url;
    const maxSeconds = Number(input.dataset.maxSeconds || 0);
    const done = () => URL.revokeObjectURL(url);
    video.addEventListener("error", () => { clearPoster(poster); done(); }, { once: true });
    video.addEventListener("loadedmetadata", () => {
      if (maxSeconds && isFinite(video.duration) && video.duration > maxSeconds + 0.5) {
        say(input, input.dataset.tooLong || "");
      }
    }, { once: true });
    // The first frame is decoded when `loadeddata` fires: draw it as it is, no seeking (a
    // recorder's WebM has no index to seek in).
    video.addEventListener("loadeddata", () => {
      if (!poster || !video.videoWidth) { done(); return; }
      const scale = Math.min(1, 960 / Math.max(video.videoWidth, video.videoHeight));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      canvas.toBlob((blob) => {
        done();
        if (!blob) return;
        const transfer = new DataTransfer();
        transfer.items.add(new File([blob], "poster.jpg", { type: "image/jpeg" }));
        poster.files = transfer.files;
        input.dispatchEvent(new CustomEvent("video-poster:ready", { bubbles: true }));
      }, "image/jpeg", 0.85);
    }, { once: true });
    video.load();
  }

  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-video-input]")) return;
    const poster = input.form && input.form.querySelector(`input[name="${input.dataset.videoInput}"]`);
    clearPoster(poster);
    say(input, "");
    const file = input.files && input.files[0];
    if (!file) return;
    const maxBytes = Number(input.dataset.maxBytes || 0);
    if (maxBytes && file.size > maxBytes) {
      say(input, input.dataset.tooLarge || "");
      return;
    }
    drawPoster(input, file, poster);
  });
})();
