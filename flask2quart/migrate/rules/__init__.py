"""Every rewrite rule, one per module, each with a stable code.

``F2Q0xx`` are reports of the engine itself, ``F2Q1xx`` rules port application code, ``F2Q2xx``
port test suites. ``docs/rules.md`` lists them all (a test keeps it in step with this registry).
"""

from __future__ import annotations

from .base import Rule
from .f2q101_imports import ImportQuart
from .f2q102_unsupported_api import UnsupportedApi
from .f2q103_async_functions import AsyncFunctions
from .f2q104_await_quart_api import AwaitQuartApi
from .f2q105_await_project_calls import AwaitProjectCalls
from .f2q106_async_view_decorators import AsyncViewDecorators
from .f2q107_async_context_managers import AsyncContextManagers
from .f2q108_open_resource import OpenResource
from .f2q109_send_file_keywords import SendFileKeywords
from .f2q110_streaming import Streaming
from .f2q111_asyncio_sleep import AsyncioSleep
from .f2q112_blocking_calls import BlockingCalls
from .f2q113_env_names import EnvNames
from .f2q114_cli_app_context import CliAppContext
from .f2q115_config_differences import ConfigDifferences
from .f2q116_signal_receivers import SignalReceivers
from .f2q117_sync_http_client import SyncHttpClient
from .f2q118_template_attribute import TemplateAttribute
from .f2q119_request_environ import RequestEnviron
from .f2q120_wsgi_middleware import WsgiMiddleware
from .f2q121_location_iri import LocationIri
from .f2q122_response_body_writes import ResponseBodyWrites
from .f2q123_werkzeug_response import WerkzeugResponse
from .f2q124_app_context_argument import AppContextArgument
from .f2q125_file_wrapper import FileWrapper
from .f2q126_http_exception_response import HttpExceptionResponse
from .f2q127_optional_flask_imports import OptionalFlaskImports
from .f2q128_dev_server import DevServer
from .f2q129_test_response_request import TestResponseRequest
from .f2q130_remote_addr_header import RemoteAddrHeader
from .f2q131_request_subclass import RequestSubclass
from .f2q135_sync_url_building import SyncUrlBuilding
from .f2q136_returned_coroutines import ReturnedCoroutines
from .f2q201_await_test_client import AwaitTestClient
from .f2q202_test_client_arguments import TestClientArguments
from .f2q203_cookie_arguments import CookieArguments
from .f2q204_g_after_request import GAfterRequest
from .f2q205_unittest_async import UnittestAsync
from .f2q206_pytest_asyncio_config import PytestAsyncioConfig
from .f2q207_test_client_exceptions import TestClientExceptions
from .f2q208_cli_runner_in_async_tests import CliRunnerInAsyncTests
from .f2q209_test_client_environ import TestClientEnviron
from .f2q210_sync_response_snapshot import SyncResponseSnapshot
from .f2q211_test_response_stream import TestResponseStream
from .f2q212_test_response_content_length import TestResponseContentLength
from .f2q213_code_in_subprocess import CodeInSubprocess
from .f2q215_pytest_flask import PytestFlask
from .f2q216_test_client_content_length import TestClientContentLength
from .f2q217_webtest import WebTest
from .f2q218_test_client_application import TestClientApplication
from .f2q301_flask_cors import FlaskCors
from .f2q302_flask_login import FlaskLogin
from .f2q303_flask_wtf import FlaskWtf
from .f2q304_flask_limiter import FlaskLimiter
from .f2q305_flask_babel import FlaskBabel
from .f2q306_flask_session import FlaskSession
from .f2q307_flask_bcrypt import FlaskBcrypt
from .f2q308_flask_httpauth import FlaskHttpAuth
from .f2q309_flask_compress import FlaskCompress
from .f2q310_flask_sock import FlaskSock
from .f2q311_flask_socketio import FlaskSocketIO
from .f2q321_flask_sqlalchemy import FlaskSqlalchemy
from .f2q322_flask_migrate import FlaskMigrate
from .f2q323_flask_caching import FlaskCaching
from .f2q324_flask_mail import FlaskMail
from .f2q325_flask_restx import FlaskRestx
from .f2q326_flask_jwt_extended import FlaskJwtExtended
from .f2q327_flask_bridge import FlaskBridge
from .f2q340_flask_restful import FlaskRestful
from .f2q401_dependencies import ProjectDependencies
from .f2q402_launch_commands import LaunchCommands
from .f2q403_flaskenv import FlaskEnvFiles

#: Rules that transform Python modules, in code order.
PYTHON_RULES: tuple[type[Rule], ...] = (
    ImportQuart,
    UnsupportedApi,
    AsyncFunctions,
    AwaitQuartApi,
    AwaitProjectCalls,
    AsyncViewDecorators,
    AsyncContextManagers,
    OpenResource,
    SendFileKeywords,
    Streaming,
    AsyncioSleep,
    BlockingCalls,
    EnvNames,
    CliAppContext,
    ConfigDifferences,
    SignalReceivers,
    SyncHttpClient,
    TemplateAttribute,
    ResponseBodyWrites,
    WerkzeugResponse,
    AppContextArgument,
    FileWrapper,
    HttpExceptionResponse,
    RequestSubclass,
    OptionalFlaskImports,
    DevServer,
    TestResponseRequest,
    SyncUrlBuilding,
    RemoteAddrHeader,
    ReturnedCoroutines,
    RequestEnviron,
    WsgiMiddleware,
    LocationIri,
    AwaitTestClient,
    TestClientArguments,
    CookieArguments,
    GAfterRequest,
    UnittestAsync,
    TestClientExceptions,
    TestClientContentLength,
    WebTest,
    TestClientApplication,
    CliRunnerInAsyncTests,
    TestClientEnviron,
    PytestFlask,
    SyncResponseSnapshot,
    TestResponseStream,
    TestResponseContentLength,
    CodeInSubprocess,
    FlaskCors,
    FlaskLogin,
    FlaskWtf,
    FlaskLimiter,
    FlaskBabel,
    FlaskSession,
    FlaskBcrypt,
    FlaskHttpAuth,
    FlaskCompress,
    FlaskSock,
    FlaskSocketIO,
    FlaskSqlalchemy,
    FlaskMigrate,
    FlaskCaching,
    FlaskMail,
    FlaskRestx,
    FlaskJwtExtended,
    FlaskRestful,
    FlaskBridge,
)

#: Codes the engine reports itself (not rules): a file it could not read or parse, output that
#: failed to compile (a bug of ours: the file is left untouched), a write that failed (the run is
#: all or nothing: nothing was written), and what a walk does not open.
ENGINE_CODES = {
    "F2Q001": "file could not be read or parsed; left untouched",
    "F2Q002": "rewritten output did not compile; file left untouched (please report it)",
    "F2Q003": "a file could not be written (disk full, permission, a folder in the way): a run is all or "
    "nothing, so no file was written; the message names the file and the reason",
    "F2Q004": "not a regular file (a dangling symlink, a symlink loop, a FIFO, a device) or a symlink to a "
    "file outside the rewritten paths: left as it is, never opened; the rest of the run proceeds",
}

ALL_CODES: dict[str, str] = {
    **ENGINE_CODES,
    **{rule.code: rule.name for rule in PYTHON_RULES},
    PytestAsyncioConfig.code: PytestAsyncioConfig.name,
    ProjectDependencies.code: ProjectDependencies.name,
    LaunchCommands.code: LaunchCommands.name,
    FlaskEnvFiles.code: FlaskEnvFiles.name,
}

#: Rules that edit project files (not Python modules).
PROJECT_RULES = (PytestAsyncioConfig, ProjectDependencies, LaunchCommands, FlaskEnvFiles)

__all__ = ["ALL_CODES", "ENGINE_CODES", "PROJECT_RULES", "PYTHON_RULES", "FlaskBridge", "FlaskEnvFiles", "LaunchCommands", "ProjectDependencies", "PytestAsyncioConfig", "Rule", "SyncHttpClient"]
