# PyTorch img/s for comparison with bench/models.sh (same machine, 2 threads, random init):
#     /usr/bin/python3 bench/torch_bench.py MODEL BATCH SIZE
import sys, time, torch, torchvision
torch.set_num_threads(2)
name, b, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
kw = {'aux_logits': True, 'init_weights': False} if name == 'inception_v3' else {}
m = getattr(torchvision.models, name)(**kw).eval()
x = torch.rand(b, 3, size, size)
with torch.no_grad():
    m(x)
    best = 1e9
    for _ in range(3):
        t = time.perf_counter(); m(x); best = min(best, time.perf_counter() - t)
print(f"torch {name} batch {b} threads 2: {best*1e3:.1f} ms/batch {b/best:.2f} img/s")
