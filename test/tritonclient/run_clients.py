"""Drives the platform with the real, unmodified tritonclient (HTTP sync, HTTP asyncio, gRPC).

Run by test/tritonclient.e2e.spec.ts with Debian's python3, PYTHONPATH pointing at
shared/vendor/tritonclient-python, and the gRPC stubs generated into GRPC_STUBS beforehand.
Prints one JSON object of observations on stdout; the Jest test holds the expectations.

usage: run_clients.py HTTP_HOST:PORT GRPC_HOST:PORT MODEL
"""

import asyncio
import json
import sys

import numpy as np

HTTP_URL, GRPC_URL, MODEL = sys.argv[1], sys.argv[2], sys.argv[3]

import triton_stubs  # noqa: E402,F401  (before tritonclient.grpc)
import tritonclient.grpc as grpcclient  # noqa: E402
import tritonclient.http as httpclient  # noqa: E402
import tritonclient.http.aio as aiohttpclient  # noqa: E402
from tritonclient.utils import InferenceServerException  # noqa: E402

N = 4


def views():
    """The same samples as test/support/oip-fixture.ts sampleViews(4)."""
    i = np.arange(N * 3 * 64)
    return (((i * 7919) % 256) / 256).astype(np.float32).reshape(N, 3, 8, 8, 1)


def tolist(array):
    if array is None:
        return None
    if array.dtype == np.object_:
        return [v.decode() if isinstance(v, bytes) else v for v in array.reshape(-1).tolist()]
    return array.reshape(-1).tolist()


def outputs_of(result):
    names = ["class", "probabilities", "exit_tier", "entropy", "comm_bytes"]
    return {name: tolist(result.as_numpy(name)) for name in names if result.as_numpy(name) is not None}


def error_of(call):
    try:
        call()
    except InferenceServerException as e:
        return {"status": e.status(), "message": e.message(), "printed": str(e)}
    return None


async def aerror_of(call):
    try:
        await call()
    except InferenceServerException as e:
        return {"status": e.status(), "message": e.message(), "printed": str(e)}
    return None


def views_input(module, binary):
    tensor = module.InferInput("views", [N, 3, 8, 8, 1], "FP32")
    if binary is None:
        tensor.set_data_from_numpy(views())
    else:
        tensor.set_data_from_numpy(views(), binary_data=binary)
    return [tensor]


def features_inputs(module, present):
    features = module.InferInput("device_features", [1, 3, 4], "UINT8")
    features.set_data_from_numpy(np.full((1, 3, 4), 0x5A, dtype=np.uint8))
    mask = module.InferInput("device_present", [3], "BOOL")
    mask.set_data_from_numpy(np.array(present, dtype=bool))
    return [features, mask]


def run_http():
    client = httpclient.InferenceServerClient(HTTP_URL)
    out = {
        "live": client.is_server_live(),
        "ready": client.is_server_ready(),
        "server_metadata": client.get_server_metadata(),
        "model_ready": client.is_model_ready(MODEL),
        "alias_ready": client.is_model_ready(MODEL, "production"),
        # is_model_ready answers False (not an exception) for anything but 200.
        "unknown_alias_ready": client.is_model_ready(MODEL, "staging"),
        "metadata": client.get_model_metadata(MODEL, "production"),
    }
    # JSON inputs, JSON outputs.
    json_outputs = [httpclient.InferRequestedOutput(n, binary_data=False) for n in ["class", "probabilities", "exit_tier"]]
    out["json"] = outputs_of(client.infer(MODEL, views_input(httpclient, False), model_version="1", outputs=json_outputs))
    # Binary inputs, binary outputs (no outputs named: binary_data_output).
    out["binary"] = outputs_of(client.infer(MODEL, views_input(httpclient, True), model_version="1"))
    out["version2"] = outputs_of(client.infer(MODEL, views_input(httpclient, True), model_version="2"))
    out["alias"] = outputs_of(client.infer(MODEL, views_input(httpclient, True), model_version="production"))
    out["latest"] = outputs_of(client.infer(MODEL, views_input(httpclient, True)))
    out["compressed"] = {
        algorithm: outputs_of(
            client.infer(
                MODEL,
                views_input(httpclient, True),
                model_version="1",
                request_compression_algorithm=algorithm,
                response_compression_algorithm=algorithm,
            )
        )
        for algorithm in ["gzip", "deflate"]
    }
    out["features"] = outputs_of(client.infer(MODEL, features_inputs(httpclient, [True, False, True]), model_version="1"))
    bad_shape = httpclient.InferInput("views", [1, 3, 4, 4, 1], "FP32")
    bad_shape.set_data_from_numpy(np.zeros((1, 3, 4, 4, 1), dtype=np.float32))
    out["errors"] = {
        "unknown_model": error_of(lambda: client.infer("no-such-model", views_input(httpclient, True))),
        "bad_shape": error_of(lambda: client.infer(MODEL, [bad_shape], model_version="1")),
        "unknown_version": error_of(lambda: client.get_model_metadata(MODEL, "99")),
    }
    client.close()
    return out


async def run_aio():
    client = aiohttpclient.InferenceServerClient(HTTP_URL)
    try:
        out = {
            "live": await client.is_server_live(),
            "ready": await client.is_server_ready(),
            "server_metadata": await client.get_server_metadata(),
            "metadata": await client.get_model_metadata(MODEL, "1"),
            "json": outputs_of(
                await client.infer(
                    MODEL,
                    views_input(aiohttpclient, False),
                    model_version="1",
                    outputs=[aiohttpclient.InferRequestedOutput(n, binary_data=False) for n in ["class", "probabilities", "exit_tier"]],
                )
            ),
            "binary": outputs_of(await client.infer(MODEL, views_input(aiohttpclient, True), model_version="1")),
            "alias": outputs_of(await client.infer(MODEL, views_input(aiohttpclient, True), model_version="production")),
            "compressed": outputs_of(
                await client.infer(
                    MODEL,
                    views_input(aiohttpclient, True),
                    model_version="1",
                    request_compression_algorithm="gzip",
                    response_compression_algorithm="gzip",
                )
            ),
        }
        bad_shape = aiohttpclient.InferInput("views", [1, 3, 4, 4, 1], "FP32")
        bad_shape.set_data_from_numpy(np.zeros((1, 3, 4, 4, 1), dtype=np.float32))
        out["errors"] = {
            "unknown_model": await aerror_of(lambda: client.infer("no-such-model", views_input(aiohttpclient, True))),
            "bad_shape": await aerror_of(lambda: client.infer(MODEL, [bad_shape], model_version="1")),
        }
        return out
    finally:
        await client.close()


def run_grpc():
    client = grpcclient.InferenceServerClient(GRPC_URL)
    meta = client.get_model_metadata(MODEL, "production", as_json=True)
    out = {
        "live": client.is_server_live(),
        "ready": client.is_server_ready(),
        "server_metadata": client.get_server_metadata(as_json=True),
        "model_ready": client.is_model_ready(MODEL),
        "alias_ready": client.is_model_ready(MODEL, "production"),
        "metadata": meta,
        "binary": outputs_of(client.infer(MODEL, views_input(grpcclient, None), model_version="1")),
        "version2": outputs_of(client.infer(MODEL, views_input(grpcclient, None), model_version="2")),
        "alias": outputs_of(client.infer(MODEL, views_input(grpcclient, None), model_version="production")),
        "compressed": outputs_of(
            client.infer(MODEL, views_input(grpcclient, None), model_version="1", compression_algorithm="gzip")
        ),
        "features": outputs_of(client.infer(MODEL, features_inputs(grpcclient, [True, False, True]), model_version="1")),
        "named_outputs": outputs_of(
            client.infer(
                MODEL,
                views_input(grpcclient, None),
                model_version="1",
                outputs=[grpcclient.InferRequestedOutput("class")],
            )
        ),
    }
    bad_shape = grpcclient.InferInput("views", [1, 3, 4, 4, 1], "FP32")
    bad_shape.set_data_from_numpy(np.zeros((1, 3, 4, 4, 1), dtype=np.float32))
    out["errors"] = {
        "unknown_model": error_of(lambda: client.infer("no-such-model", views_input(grpcclient, None))),
        "bad_shape": error_of(lambda: client.infer(MODEL, [bad_shape], model_version="1")),
        "unknown_version": error_of(lambda: client.get_model_metadata(MODEL, "99")),
        "bad_credential": error_of(lambda: client.infer(MODEL, features_inputs(grpcclient, [True, True, True]), model_version="1", headers={"authorization": "Bearer wrong"})),
    }
    client.close()
    return out


print(json.dumps({"http": run_http(), "aio": asyncio.run(run_aio()), "grpc": run_grpc()}))
