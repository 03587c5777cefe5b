"""An independent Modbus server for hazgate's integration tests: Debian's pymodbus 3.0.

    python3 pymodbus_server.py tcp PORT
    python3 pymodbus_server.py rtu /dev/pts/N

Serves unit 1 only; requests for any other unit get no answer at all (ignore_missing_slaves),
which is what a dead device on a shared line looks like. Register map (0-based addresses):

    holding 0       uint16 1234
    holding 1       int16  -5            (0xFFFB)
    holding 2-3     float32 123.456 CDAB (word-swapped: 0xE979, 0x42F6)
    holding 4-5     int32 -100000 ABCD
    holding 6       status word 3        (a vendor "fault" code)
    holding 0..19   exist; 20 and up do not (exception 2, illegal data address)
    input 0..7      loop current in uA: 4000, 8000, 12000, 16000, 20000, 3500 (wire break),
                    20500 (saturated high), 21500 (fault high)
    coil 0..7       1 0 1 1 0 0 0 1
    discrete 0..7   0 1 0 0 0 0 0 0
"""
import asyncio
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartAsyncSerialServer, StartAsyncTcpServer
from pymodbus.transaction import ModbusRtuFramer

HOLDING = [1234, 0xFFFB, 0xE979, 0x42F6, 0xFFFE, 0x7960, 3] + [0] * 13
INPUT = [4000, 8000, 12000, 16000, 20000, 3500, 20500, 21500]
COILS = [1, 0, 1, 1, 0, 0, 0, 1]
DISCRETE = [0, 1, 0, 0, 0, 0, 0, 0]


def context():
    unit = ModbusSlaveContext(
        hr=ModbusSequentialDataBlock(0, HOLDING),
        ir=ModbusSequentialDataBlock(0, INPUT),
        co=ModbusSequentialDataBlock(0, COILS),
        di=ModbusSequentialDataBlock(0, DISCRETE),
        zero_mode=True,
    )
    return ModbusServerContext(slaves={1: unit}, single=False)


async def announce(mode, where):
    """READY once the server takes connections (a TCP bind that failed never says it)."""
    await asyncio.sleep(0.3)
    if mode == "tcp":
        _, writer = await asyncio.open_connection("127.0.0.1", int(where))
        writer.close()
    print("READY", flush=True)


async def main():
    mode, where = sys.argv[1], sys.argv[2]
    asyncio.get_running_loop().create_task(announce(mode, where))
    if mode == "tcp":
        # Reuse: a restart on the same port must not trip over the killed server's TIME_WAIT sockets.
        await StartAsyncTcpServer(
            context(), address=("127.0.0.1", int(where)), ignore_missing_slaves=True, allow_reuse_address=True
        )
    else:
        await StartAsyncSerialServer(
            context(), port=where, framer=ModbusRtuFramer, baudrate=9600, ignore_missing_slaves=True
        )


asyncio.run(main())
