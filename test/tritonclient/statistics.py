"""Reads Triton's statistics extension with the real tritonclient after known inferences.

Run by test/tritonclient-statistics.e2e.spec.ts (Debian's python3, PYTHONPATH at
shared/vendor/tritonclient-python, gRPC stubs in GRPC_STUBS). Makes, one after another:
3 HTTP requests of 2 samples and 1 gRPC request of 4 samples to version 1, 1 HTTP request of
1 sample to version 2, and 1 HTTP request to version 1 that fails after the version is resolved
(a views shape the model does not take). Prints what the clients read, as JSON.

usage: statistics.py HTTP_HOST:PORT GRPC_HOST:PORT MODEL
"""

import json
import sys

import numpy as np

import triton_stubs  # noqa: F401  (before tritonclient.grpc)
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

HTTP_URL, GRPC_URL, MODEL = sys.argv[1], sys.argv[2], sys.argv[3]


def views_input(module, samples, width=1):
    tensor = module.InferInput("views", [samples, 3, 8, 8, width], "FP32")
    values = np.arange(samples * 3 * 64 * width) % 256 / 256
    tensor.set_data_from_numpy(values.astype(np.float32).reshape(samples, 3, 8, 8, width))
    return [tensor]


def error_of(call):
    try:
        call()
    except InferenceServerException as e:
        return {"status": e.status(), "message": e.message()}
    return None


http = httpclient.InferenceServerClient(HTTP_URL)
grpc = grpcclient.InferenceServerClient(GRPC_URL)
for _ in range(3):
    http.infer(MODEL, views_input(httpclient, 2), model_version="1")
grpc.infer(MODEL, views_input(grpcclient, 4), model_version="1")
http.infer(MODEL, views_input(httpclient, 1), model_version="2")
failed = error_of(lambda: http.infer(MODEL, views_input(httpclient, 1, width=2), model_version="1"))

print(
    json.dumps(
        {
            "failed": failed,
            "extensions": http.get_server_metadata()["extensions"],
            "http_all": http.get_inference_statistics(),
            "http_model": http.get_inference_statistics(MODEL),
            "http_version": http.get_inference_statistics(MODEL, "2"),
            "grpc_all": grpc.get_inference_statistics(as_json=True),
            "grpc_version": grpc.get_inference_statistics(MODEL, "1", as_json=True),
            "http_unknown": error_of(lambda: http.get_inference_statistics("no-such-model")),
            "grpc_unknown": error_of(lambda: grpc.get_inference_statistics("no-such-model")),
        }
    )
)
