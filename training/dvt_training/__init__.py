"""DVT Workstation's training pipeline: RetinaNet (ResNet-FPN) on the workstation's patch sets.

Run with the system Python (torch 1.13, torchvision 0.14, onnx 1.12): see training/README.md.
"""

VERSION = "0.1.0"
GENERATOR = f"dvt-training {VERSION}"
