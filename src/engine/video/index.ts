export { VideoWatch, VIDEO_PRIORITIES, type VideoCamera, type VideoWatchOptions } from './watch.js';
