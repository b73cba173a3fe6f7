const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' };

/** Wraps JSON text that is already serialised in the success envelope without parsing it again. */
export function rawSuccessResponse(dataJson: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(`{"success":true,"data":${dataJson}}`, { status, headers: { ...jsonHeaders, ...headers } });
}

/** Wraps a value in the success envelope. */
export function successResponse(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return rawSuccessResponse(JSON.stringify(data), status, headers);
}
