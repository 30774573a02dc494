"""A tiny DDP trainer over a bridge feed, for the JUnit tests (not a unit test).

    ddp_trainer.py --rank R --world-size W --dist-port P --epochs E --workdir DIR [--resume]

Trains torch.nn.Linear(4, 1) on column x (float32[4]) against y, with gloo. Writes one JSON line
per step, when its batch arrives, to DIR/log-rR.jsonl (DIR/log-rR-resumed.jsonl with --resume): {epoch, position, ids};
rank 0 saves a checkpoint after every step (model, optimizer, dataset state) to DIR/ckpt.pt, the
dataset state alone to DIR/state.json and, at the end, the weights' bytes (hex) to DIR/weights.json. Prints "step E I" per step and "epoch E steps N" per epoch.
"""

import argparse
import datetime
import json
import os

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP

from s3dlio_bridge import BridgeDataset


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rank", type=int, required=True)
    p.add_argument("--world-size", type=int, required=True)
    p.add_argument("--dist-port", type=int, required=True)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--workdir", required=True)
    p.add_argument("--resume", action="store_true")
    a = p.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)
    dist.init_process_group("gloo", init_method="tcp://127.0.0.1:%d" % a.dist_port, rank=a.rank,
                            world_size=a.world_size, timeout=datetime.timedelta(seconds=120))
    model = torch.nn.Linear(4, 1)
    ddp = DDP(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    ds = BridgeDataset(credits=4)  # rank and world size from torch.distributed
    ckpt = os.path.join(a.workdir, "ckpt.pt")
    start = 0
    if a.resume:
        state = torch.load(ckpt)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        ds.load_state_dict(state["data"])
        start = state["data"]["epoch"]
        print("resumed epoch %d offset %d" % (start, state["data"]["offset"]), flush=True)
    log = open(os.path.join(a.workdir, "log-r%d%s.jsonl" % (a.rank, "-resumed" if a.resume else "")), "w")
    for epoch in range(start, a.epochs):
        ds.set_epoch(epoch)
        print("epoch %d steps %d" % (epoch, len(ds)), flush=True)
        for i, batch in enumerate(ds):
            # logged before the step's all-reduce: a rank killed during a step has logged every step
            # that rank 0 could complete (and checkpoint) without it
            log.write(json.dumps({"epoch": epoch, "position": ds.last_position, "ids": batch["id"].tolist()}) + "\n")
            log.flush()
            x = batch["x"] / 1000.0
            y = (batch["y"] / 1000.0).float()
            loss = ((ddp(x).squeeze(1) - y) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            if a.rank == 0:
                tmp = ckpt + ".tmp"
                torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "data": ds.state_dict()}, tmp)
                os.replace(tmp, ckpt)
                with open(tmp, "w") as f:
                    json.dump(ds.state_dict(), f)
                os.replace(tmp, os.path.join(a.workdir, "state.json"))
            print("step %d %d" % (epoch, i), flush=True)
    if a.rank == 0:
        weights = {k: v.detach().numpy().tobytes().hex() for k, v in model.state_dict().items()}
        with open(os.path.join(a.workdir, "weights.json"), "w") as f:
            json.dump(weights, f)
    ds.close()
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
