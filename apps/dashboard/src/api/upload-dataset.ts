import { ApiError, reportIfUnauthorized, restError } from './api-error';
import { authHeaders } from './session';
import type { Dataset } from './types';

export interface UploadRequest {
  name: string;
  /** Empty: the platform tells it from the file name. */
  format: string;
  testFraction: number;
  file: File;
}

/**
 * POST /datasets as multipart. XMLHttpRequest rather than fetch: fetch has no upload progress
 * events. The file part goes last, as the endpoint requires.
 */
export function uploadDataset(
  request: UploadRequest,
  onProgress: (fraction: number) => void,
): Promise<Dataset> {
  const form = new FormData();
  form.append('name', request.name);
  if (request.format) form.append('format', request.format);
  form.append('testFraction', String(request.testFraction));
  form.append('file', request.file, request.file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/datasets');
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () =>
      reject(new ApiError('the upload was interrupted (network error)', 'NETWORK', null));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as Dataset);
      else reject(reportIfUnauthorized(restError(xhr.status, body)));
    };
    xhr.send(form);
  });
}
