/**
 * The device's own preferences, as whatsapp-web.js 1.34.7 reads and sets them: media auto-download
 * (`WAWebUserPrefsGeneral`) and background sync (`WAWebUserPrefsNotifications`'s global offline
 * notifications). Kept for the page's lifetime.
 */
export function prefsModules(): Record<string, unknown> {
  const prefs = { audio: true, documents: false, photos: true, videos: false, offlineNotifications: true };
  type Flag = keyof typeof prefs;
  const pair = (flag: Flag): [get: () => boolean, set: (value: boolean) => Promise<void>] => [
    () => prefs[flag],
    async (value: boolean) => {
      prefs[flag] = value === true;
    },
  ];
  const [getAudio, setAudio] = pair('audio');
  const [getDocuments, setDocuments] = pair('documents');
  const [getPhotos, setPhotos] = pair('photos');
  const [getVideos, setVideos] = pair('videos');
  const [getOffline, setOffline] = pair('offlineNotifications');
  return {
    WAWebUserPrefsGeneral: {
      getAutoDownloadAudio: getAudio,
      setAutoDownloadAudio: setAudio,
      getAutoDownloadDocuments: getDocuments,
      setAutoDownloadDocuments: setDocuments,
      getAutoDownloadPhotos: getPhotos,
      setAutoDownloadPhotos: setPhotos,
      getAutoDownloadVideos: getVideos,
      setAutoDownloadVideos: setVideos,
    },
    WAWebUserPrefsNotifications: {
      getGlobalOfflineNotifications: getOffline,
      setGlobalOfflineNotifications: setOffline,
    },
  };
}
