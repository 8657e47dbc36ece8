"""Makes tritonclient.grpc importable with the stubs generated from Triton's protos.

tritonclient.grpc imports its stubs as tritonclient.grpc.{service_pb2,...}: this maps the
modules generated into GRPC_STUBS (grpc_service.proto -> grpc_service_pb2) onto those names.
Import it before tritonclient.grpc.
"""

import importlib
import os
import sys

sys.path.insert(0, os.environ["GRPC_STUBS"])
for ours, theirs in [
    ("model_config_pb2", "model_config_pb2"),
    ("grpc_service_pb2", "service_pb2"),
    ("grpc_service_pb2_grpc", "service_pb2_grpc"),
]:
    sys.modules["tritonclient.grpc." + theirs] = importlib.import_module(ours)
